"""Password rules: a minimum length from policy, and both letters and digits."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class PolicyLengthValidator:
    def validate(self, password: str, user=None) -> None:
        from yiji.core import policy

        minimum = policy.value("sec.password_min_length")
        if len(password) < minimum:
            raise ValidationError(
                _("The password must have at least %(n)d characters.") % {"n": minimum},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return _("At least the minimum length set by the hospital.")


class LettersAndDigitsValidator:
    def validate(self, password: str, user=None) -> None:
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError(
                _("The password must contain both letters and digits."), code="password_mix"
            )

    def get_help_text(self) -> str:
        return _("Both letters and digits.")
