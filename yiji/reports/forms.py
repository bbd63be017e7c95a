from django import forms
from django.utils.translation import gettext_lazy as _

from yiji.core.forms import SignatureForm
from yiji.reports.models import ImageGrade


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    findings = forms.CharField(
        label=_("findings"), widget=forms.Textarea(attrs={"rows": 10}), required=False
    )
    impression = forms.CharField(
        label=_("impression"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    positive = forms.NullBooleanField(
        label=_("positive finding"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", "—"), ("true", _("Positive")), ("false", _("Negative"))]
        ),
    )
    difficult = forms.BooleanField(label=_("difficult case"), required=False)
    teaching = forms.BooleanField(label=_("teaching case"), required=False)
    image_grade = forms.ChoiceField(
        label=_("image quality grade"), choices=[("", "—")] + ImageGrade.choices, required=False
    )


class SignForm(SignatureForm):
    pass


class AddendumForm(SignatureForm):
    text = forms.CharField(label=_("addendum"), widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("reason"), max_length=200)

    field_order = ["text", "reason", "signature"]
