from django import forms

from yiji.exams.models import ExamRecord
from yiji.exams.services import RECORD_FIELDS


class RecordForm(forms.ModelForm):
    class Meta:
        model = ExamRecord
        fields = RECORD_FIELDS
        labels = {"kv": "kV", "mas": "mAs"}  # units keep their case


RADIATION_FIELDS = ("kv", "mas", "ctdi_vol", "dlp", "dap", "shielding", "pregnancy_checked")
CONTRAST_FIELDS = ("contrast_agent", "contrast_ml", "contrast_route", "reaction", "extravasation")


def record_form_for(item, *args, **kwargs) -> RecordForm:
    """Only the fields the item needs: no dose boxes for ultrasound, no contrast for plain."""
    form = RecordForm(*args, **kwargs)
    hidden = ([] if item.radiation else list(RADIATION_FIELDS)) + (
        [] if item.uses_contrast else list(CONTRAST_FIELDS)
    )
    for name in hidden:
        form.fields.pop(name)
    return form
