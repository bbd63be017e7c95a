from __future__ import annotations

from django import forms

from yiji.core.models import Department, Room, Staff
from yiji.equipment.models import Device


class DeviceForm(forms.ModelForm):
    class Meta:
        model = Device
        fields = [
            "department", "name", "kind", "modality", "manufacturer", "model", "serial",
            "installed_on", "room", "ae_title", "custodian", "status", "large", "hours_per_day",
            "notes",
        ]  # fmt: skip
        widgets = {"installed_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.medtech()
        self.fields["department"].queryset = departments
        self.fields["room"].queryset = Room.objects.filter(department__in=departments)
        self.fields["custodian"].queryset = Staff.objects.filter(active=True).order_by("name")
