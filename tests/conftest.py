"""Shared fixtures: a small hospital and users holding exactly the roles a test needs."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import urllib.request

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


# No image archive unless a test starts one (the `archive` fixture): the default, the private
# Orthanc of `yiji up`, is not running under the tests. Processes the tests start inherit it.
os.environ["YIJI_DICOMWEB_URL"] = "off"


@pytest.fixture(autouse=True)
def _no_archive(settings):
    settings.YIJI_DICOMWEB_URL = "off"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def orthanc_server(tmp_path_factory):
    """A real Orthanc (Debian's, with DICOMweb and the Web viewer) on free ports, with its own
    storage, for the whole run. Without Orthanc the image tests are skipped with the reason,
    except in CI (YIJI_REQUIRE_PACS=1), where they fail."""
    from yiji.images import orthanc

    if orthanc.program() is None:
        if os.environ.get("YIJI_REQUIRE_PACS") == "1":
            pytest.fail("Orthanc is required (YIJI_REQUIRE_PACS=1) but not installed")
        pytest.skip("Orthanc is not installed (apt install orthanc orthanc-dicomweb)")
    http_port, dicom_port = _free_port(), _free_port()
    folder = tmp_path_factory.mktemp("orthanc")
    process = orthanc.start(folder, http_port, dicom_port, "TESTPACS")
    if not orthanc.wait_ready(http_port, process):
        process.kill()
        pytest.fail(f"Orthanc did not start; see {folder}")
    yield {"http": http_port, "dicom": dicom_port, "ae": "TESTPACS", "folder": folder}
    process.terminate()
    process.wait(15)
    shutil.rmtree(folder, ignore_errors=True)


def _orthanc(port: int, path: str, method: str = "GET"):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


@pytest.fixture
def archive(settings, orthanc_server):
    """Yiji pointed at the test Orthanc, emptied first (accession numbers repeat between
    tests, whose databases roll back)."""
    port = orthanc_server["http"]
    for study in _orthanc(port, "/studies"):
        _orthanc(port, f"/studies/{study}", "DELETE")
    settings.YIJI_DICOMWEB_URL = f"http://127.0.0.1:{port}/dicom-web"
    settings.YIJI_VIEWER_URL = (
        f"http://127.0.0.1:{port}/web-viewer/app/viewer.html?series={{orthanc_series}}"
    )
    return orthanc_server


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Chinese): Django's test client leaves the
    language of the last page it asked for active in the thread, so a page asked in English
    made the next test's service messages English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


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
