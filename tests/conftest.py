"""Shared fixtures: a small hospital and users holding exactly the roles a test needs."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from yiji.core.models import (
    Department,
    DepartmentKind,
    Hospital,
    HospitalLevel,
    Role,
    Staff,
)
from yiji.core.services import StaffSpec, add_staff

# Fixtures of the clinical flow (a department with rooms, items, staff), shared by several apps.
pytest_plugins = ["tests.orders.fixtures"]

PASSWORD = "Test2026pass"

# Property-based tests draw the same examples on every run (no example database, a fixed
# seed): a CI run is reproducible, and a failure found once stays found.
hypothesis_settings.register_profile("yiji", derandomize=True, database=None)
hypothesis_settings.load_profile("yiji")
_numbers = itertools.count(1)


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_at_once():
    """Background tasks run in the test's own thread when queued, against the test database."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a figure cached for a minute by one test's page
    (the worklist's weekly SCH-6 rate) is not another test's answer."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def hospital(db) -> Hospital:
    return Hospital.objects.create(code="H1", name="测试医院", level=HospitalLevel.SECONDARY)


@pytest.fixture
def imaging(hospital) -> Department:
    return Department.objects.create(
        hospital=hospital, code="RAD", name="医学影像科", kind=DepartmentKind.IMAGING
    )


@pytest.fixture
def lab(hospital) -> Department:
    return Department.objects.create(
        hospital=hospital, code="LAB", name="检验科", kind=DepartmentKind.LAB
    )


@pytest.fixture
def make_staff(hospital, imaging):
    """make_staff(Role.X, ...) -> a Staff member of imaging holding those roles."""

    def make(*roles: str, department: Department | None = None, whole_hospital=False, **spec):
        n = next(_numbers)
        dept = department or imaging
        role_dept = None if whole_hospital else dept
        return add_staff(
            None,
            hospital,
            StaffSpec(
                username=spec.pop("username", f"user{n}"),
                employee_no=f"E{n:05d}",
                name=spec.pop("name", f"员工{n}"),
                **spec,
            ),
            PASSWORD,
            [(dept, None)],
            [(role, role_dept, None) for role in roles],
        )

    return make


@pytest.fixture
def director(make_staff) -> Staff:
    return make_staff(Role.DIRECTOR, whole_hospital=True, username="director")


@pytest.fixture
def clerk(make_staff) -> Staff:
    return make_staff(Role.CLERK, username="clerk")


@pytest.fixture
def client_for():
    def login(staff: Staff) -> Client:
        client = Client()
        client.force_login(staff.user)
        return client

    return login
