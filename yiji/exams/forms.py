from django import forms

from yiji.exams.models import ExamRecord


class RecordForm(forms.ModelForm):
    class Meta:
        model = ExamRecord
        fields = [
            "protocol",
            "kv",
            "mas",
            "ctdi_vol",
            "dlp",
            "dap",
            "shielding",
            "pregnancy_checked",
            "contrast_agent",
            "contrast_ml",
            "contrast_route",
            "reaction",
            "extravasation",
        ]
        labels = {"kv": "kV", "mas": "mAs"}  # units keep their case
