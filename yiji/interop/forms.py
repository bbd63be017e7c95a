from django import forms
from django.utils.translation import gettext_lazy as _

from yiji.core.models import Department
from yiji.interop.models import CodeMapping, InboundMessage, MappingKind
from yiji.orders.models import ExamItem


class MappingForm(forms.ModelForm):
    """Map the HIS's code that a message failed on to one of Yiji's, then reprocess."""

    class Meta:
        model = CodeMapping
        fields = ["kind", "external_code", "internal_code"]

    def __init__(self, *args, message: InboundMessage, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if message.error_location.endswith("^17"):
            initial.setdefault("kind", MappingKind.DEPARTMENT)
        else:
            initial.setdefault("kind", MappingKind.ITEM)
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        kind, code = cleaned.get("kind"), cleaned.get("internal_code", "").strip()
        known = {
            MappingKind.ITEM: ExamItem.objects.filter(code=code),
            MappingKind.DEPARTMENT: Department.objects.filter(code=code),
        }.get(kind)
        if known is not None and code and not known.exists():
            self.add_error("internal_code", _("No such code in Yiji."))
        return cleaned
