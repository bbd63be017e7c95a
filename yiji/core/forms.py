from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from yiji.core.models import CalendarDay, Patient, PatientSource, Role
from yiji.core.permissions import PermissionRefused
from yiji.core.policy_types import PolicySetting, SettingError, SettingKind


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "patient_id",
            "name",
            "sex",
            "birth_date",
            "id_card",
            "phone",
            "address",
            "source",
            "residence_distance_km",
            "allergy_history",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}),
            "allergy_history": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["patient_id"].disabled = True
        else:
            self.fields["patient_id"].required = False
            self.fields["patient_id"].help_text = _(
                "Leave empty: the hospital's numbering gives one (HIS patients keep the HIS's)."
            )
        # The ID card is shown masked; an empty box on edit keeps the stored number.
        self.fields["id_card"].help_text = _("18 characters; shown masked after saving.")
        if self.instance.pk and self.instance.id_card:
            self.initial["id_card"] = ""
            self.fields["id_card"].widget.attrs["placeholder"] = self.instance.id_card_masked

    def validate_unique(self):
        """Uniqueness is checked by the service, inside its transaction."""


class PatientFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All"))] + PatientSource.choices
    )


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    department = forms.IntegerField(required=False, widget=forms.HiddenInput)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All"))] + Role.choices
    )


class SignatureForm(forms.Form):
    signature = forms.CharField(
        label=_("Password or signing PIN"),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Your electronic signature: re-enter your password or signing PIN."),
    )


class PolicyChangeForm(SignatureForm):
    reason = forms.CharField(label=_("Reason for the change"), max_length=500)
    reset = forms.BooleanField(label=_("Return to the default"), required=False)

    field_order = ["value", "reset", "reason", "signature"]

    def __init__(self, setting: PolicySetting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setting = setting
        self.fields["value"] = _value_field(setting)
        self.order_fields(self.field_order)

    def clean_value(self):
        raw = self.cleaned_data.get("value")
        if self.data.get("reset"):
            return None
        try:
            return self.setting.parse(raw)
        except (SettingError, PermissionRefused) as exc:
            raise forms.ValidationError(_("Not a valid value: %(error)s") % {"error": exc}) from exc


def _value_field(setting: PolicySetting) -> forms.Field:
    label = _("Value")
    if setting.kind == SettingKind.BOOLEAN:
        return forms.BooleanField(label=label, required=False)
    if setting.kind == SettingKind.CHOICE:
        return forms.ChoiceField(
            label=label, choices=[(c[0], _choice_label(c)) for c in setting.choices]
        )
    if setting.kind == SettingKind.LIST and setting.choices:
        return forms.MultipleChoiceField(
            label=label,
            required=False,
            choices=[(c[0], _choice_label(c)) for c in setting.choices],
            widget=forms.CheckboxSelectMultiple,
        )
    if setting.kind == SettingKind.TIME:
        return forms.TimeField(label=label, widget=forms.TimeInput(attrs={"type": "time"}))
    if setting.kind == SettingKind.INTEGER:
        return forms.IntegerField(label=label, min_value=setting.minimum, max_value=setting.maximum)
    if setting.kind == SettingKind.DECIMAL:
        return forms.DecimalField(label=label, min_value=setting.minimum, max_value=setting.maximum)
    return forms.CharField(label=label, required=setting.kind != SettingKind.LIST, max_length=500)


def _choice_label(choice: tuple[str, str, str]) -> str:
    from django.utils.translation import get_language

    return choice[2] if (get_language() or "").startswith("en") else choice[1]


class PinForm(SignatureForm):
    pin = forms.CharField(
        label=_("New signing PIN"),
        min_length=6,
        max_length=12,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


__all__ = ["PasswordChangeForm"]


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["day", "kind", "name"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"})}

    def validate_unique(self):
        pass  # entering a day again changes it (calendar.set_day)
