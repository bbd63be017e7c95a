import datetime as dt

import pytest

from yiji.core.models import CredentialKind, PhysicianTitle, Role, TechnologistTitle
from yiji.core.services import add_credential
from yiji.people import roster
from yiji.people.models import Post, ShiftKind


@pytest.fixture(autouse=True)
def _on_a_monday_morning(frozen_clock):
    """People tests run on the frozen Monday 2026-11-23 07:30 (Beijing) unless they move it."""
    yield


@pytest.fixture
def leader(make_staff):
    return make_staff(
        Role.GROUP_LEADER, Role.PHYSICIAN, name="组长",
        physician_title=PhysicianTitle.ASSOCIATE_CHIEF,
    )  # fmt: skip


def credentialed(staff, *kinds, expires=None):
    for kind in kinds:
        add_credential(
            None, staff, kind=kind, number=f"{kind[:3]}{staff.pk}",
            issued_on=dt.date(2024, 1, 1), expires_on=expires,
        )  # fmt: skip
    return staff


CT_KINDS = (
    CredentialKind.LARGE_EQUIPMENT,
    CredentialKind.RADIATION_TRAINING,
    CredentialKind.PRE_JOB_MEDICAL,
)


@pytest.fixture
def ct_tech(make_staff):
    """make one CT technologist holding what the CT post needs."""

    def make(name="技师", **kw):
        staff = make_staff(
            Role.TECHNOLOGIST, name=name, technologist_title=TechnologistTitle.TECHNOLOGIST
        )
        return credentialed(staff, *CT_KINDS, **kw)

    return make


@pytest.fixture
def shifts(leader, imaging):
    user = leader.user
    return {
        "day": roster.add_shift_type(
            user, imaging, "CT-D", "CT白班", ShiftKind.DAY, Post.LARGE_EQUIPMENT,
            dt.time(8, 0), 9,
        ),
        "night": roster.add_shift_type(
            user, imaging, "CT-N", "CT夜班", ShiftKind.NIGHT, Post.LARGE_EQUIPMENT,
            dt.time(17, 0), 15,
        ),
        "duty24": roster.add_shift_type(
            user, imaging, "ZB", "24小时值班", ShiftKind.DUTY_24, Post.DIAGNOSIS,
            dt.time(8, 0), 24,
        ),
    }  # fmt: skip


@pytest.fixture
def december(imaging):
    return roster.roster_for(imaging, dt.date(2026, 12, 1))
