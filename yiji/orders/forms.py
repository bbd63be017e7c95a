from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yiji.core.models import Department, DepartmentKind, Patient, Room
from yiji.orders.catalogue import COLUMNS
from yiji.orders.models import (
    AllergyScreen,
    ExamItem,
    ExamStatus,
    Modality,
    Pregnancy,
    Priority,
)


class ItemPicker(forms.SelectMultiple):
    """The chosen items as ticked boxes and a search box that finds more by name, code or
    pinyin initials (the desk's frequent items first): no 160-line select to scroll."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = ExamItem.objects.filter(pk__in=[v for v in value or [] if str(v).isdigit()])
        return render_to_string("orders/item_picker.html", {"name": name, "chosen": chosen})

    def value_omitted_from_data(self, data, files, name):
        return False


class PatientPicker(forms.TextInput):
    """The requisition's patient, chosen from a search as you type, not typed by ID."""

    def render(self, name, value, attrs=None, renderer=None):
        patient = Patient.objects.filter(patient_id=value).first() if value else None
        return render_to_string(
            "orders/patient_picker.html", {"name": name, "value": value or "", "patient": patient}
        )


class RequisitionForm(forms.Form):
    """Fields are optional here on purpose: ORD-1 is checked by the service, which names the
    rule and the missing field, the same for the form, the API and HL7."""

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)
    patient_id = forms.CharField(
        label=_("Patient"), max_length=32, required=False, widget=PatientPicker
    )
    ordering_department = forms.ModelChoiceField(
        label=_("Ordering department"),
        queryset=Department.objects.filter(kind=DepartmentKind.CLINICAL, active=True),
        required=False,
    )
    ordering_physician_name = forms.CharField(
        label=_("Ordering physician"),
        max_length=50,
        required=False,
        help_text=_("Filled in for you when you are the ordering clinician."),
    )
    clinical_history = forms.CharField(
        label=_("Clinical history"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    clinical_diagnosis = forms.CharField(
        label=_("Clinical diagnosis"), max_length=200, required=False
    )
    purpose = forms.CharField(label=_("Purpose of the exam"), max_length=200, required=False)
    items = forms.ModelMultipleChoiceField(
        label=_("Exam items"),
        queryset=ExamItem.objects.filter(active=True).order_by("modality", "code"),
        required=False,
        widget=ItemPicker,
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    bedside = forms.BooleanField(label=_("Bedside exam"), required=False)
    critically_ill = forms.BooleanField(label=_("Critically ill"), required=False)
    infectious = forms.BooleanField(label=_("Notifiable infectious disease"), required=False)
    infectious_disease = forms.CharField(
        label=_("Infectious disease"), max_length=100, required=False
    )
    pregnancy = forms.ChoiceField(label=_("Pregnancy status"), choices=Pregnancy.choices)
    allergy_screen = forms.ChoiceField(
        label=_("Contrast allergy screen"), choices=AllergyScreen.choices
    )
    allergy_note = forms.CharField(label=_("Allergy screen note"), max_length=200, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class BookingForm(forms.Form):
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none())
    start = forms.DateTimeField(
        label=_("Time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    override_reason = forms.CharField(
        label=_("Reason for overriding a rule"),
        max_length=200,
        required=False,
        help_text=_("Only the director, a deputy or a group leader may override."),
    )

    def __init__(self, rooms, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(pk__in=[r.pk for r in rooms])


class CheckInForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    patient_id = forms.CharField(label=_("Patient ID"), max_length=32, required=False)
    birth_date = forms.CharField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    id_card = forms.CharField(label=_("ID-card number"), max_length=18, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    accompanying_physician = forms.CharField(
        label=_("Accompanying physician"), max_length=50, required=False
    )
    consent = forms.BooleanField(
        label=_("I explained the exam and the patient (or family) gave informed consent"),
        required=False,
        help_text=_("Needed for the exams the policy names (EXM-8): contrast, interventional."),
    )


class AllergyScreenForm(forms.Form):
    allergy_screen = forms.ChoiceField(
        label=_("Contrast allergy screen"), choices=AllergyScreen.choices
    )
    allergy_note = forms.CharField(
        label=_("Allergy screen note"), max_length=200, required=False,
        help_text=_("What was asked and found; a physician clearing a positive screen says why."),
    )  # fmt: skip


class WorklistFilter(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.exclude(kind__in=[DepartmentKind.CLINICAL, "admin"]),
    )
    room = forms.ModelChoiceField(label=_("Room"), required=False, queryset=Room.objects.all())
    modality = forms.ChoiceField(
        label=_("Modality"), required=False, choices=[("", _("All"))] + Modality.choices
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", pgettext_lazy("status", "Open"))] + ExamStatus.choices,
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("All"))] + Priority.choices
    )
    day = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ItemForm(forms.ModelForm):
    class Meta:
        model = ExamItem
        fields = COLUMNS  # the same columns as the Excel export and import
        widgets = {
            "preparation": forms.Textarea(attrs={"rows": 3}),
            "preparation_en": forms.Textarea(attrs={"rows": 3}),
        }


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
