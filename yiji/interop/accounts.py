"""The accounts hospital systems act as. Services check roles for every caller, so an HL7
listener or a DICOM service acts as a named interface account holding Role.INTERFACE, and
everything it does is audited under that name."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from yiji.core.models import Hospital, Role, RoleAssignment, Staff

NAMES = {"hl7": "HL7 接口", "dicom": "DICOM 接口", "fhir": "FHIR 接口"}


def interface_user(username: str):
    """The interface account `username`, made on first use with no usable password."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).select_related("staff").first()
    if user is not None and hasattr(user, "staff"):
        return user
    hospital = Hospital.objects.order_by("pk").first()
    if hospital is None:
        raise RuntimeError("No hospital is set up yet: run `yiji demo` or add one first.")
    try:
        with transaction.atomic():
            user = user or user_model(username=username)
            user.set_unusable_password()
            user.save()
            staff = Staff.objects.create(
                user=user,
                hospital=hospital,
                employee_no=f"IF-{username.upper()}",
                name=NAMES.get(username, f"{username} 接口"),
            )
            RoleAssignment.objects.create(staff=staff, role=Role.INTERFACE)
    except IntegrityError:  # another connection made it at the same moment: use theirs
        return user_model.objects.select_related("staff").get(username=username)
    return user


def has_scope(user, scope: str) -> bool:
    """Whether an interface account was granted `scope` in the reference data (ARC-5)."""
    from yiji.interop.models import InterfaceScope

    staff = getattr(user, "staff", None)
    return staff is not None and InterfaceScope.objects.filter(account=staff, scope=scope).exists()


def grant(user, scope: str) -> None:
    from yiji.interop.models import InterfaceScope

    InterfaceScope.objects.get_or_create(account=user.staff, scope=scope)


class Acting:
    """The interface account a listener acts as, looked up when first needed: a listener may
    start before the hospital is set up, and answers with an error until it is."""

    def __init__(self, username: str):
        self.username = username
        self._user = None

    def __call__(self):
        if self._user is None:
            self._user = interface_user(self.username)
        return self._user
