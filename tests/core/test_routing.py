"""Read routing (issue 11): with DATABASE_REPLICA_URL, dashboards and reports read from the
streaming replica and everything else (every write) stays on the primary."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from yiji import settings as yiji_settings
from yiji.core import routing
from yiji.core.models import Patient, Role
from yiji.core.routing import ReplicaRouter, replica_reads


def test_reads_go_to_the_replica_only_inside_a_dashboard_and_only_when_there_is_one(
    monkeypatch,
):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Patient) is None  # no replica configured: the primary
    monkeypatch.setattr(routing, "replica_configured", lambda: True)
    assert router.db_for_read(Patient) is None
    with replica_reads():
        assert router.db_for_read(Patient) == "replica"
        assert router.db_for_write(Patient) == "default"
    assert router.db_for_read(Patient) is None
    assert router.allow_migrate("default", "core") and not router.allow_migrate("replica", "core")


def test_the_replica_is_configured_from_its_url(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://yiji@db1:5432/yiji")
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://yiji@db2:5432/yiji")
    databases = yiji_settings._databases()
    assert databases["replica"]["HOST"] == "db2" and databases["default"]["HOST"] == "db1"
    assert databases["replica"]["TEST"] == {"MIRROR": "default"}
    assert databases["replica"]["OPTIONS"]["options"] == "-c jit=off"
    monkeypatch.setenv("DATABASE_REPLICA_URL", "sqlite:///replica.sqlite3")
    with pytest.raises(ImproperlyConfigured):
        yiji_settings._databases()


@pytest.fixture
def seen(monkeypatch):
    """Whether each read the router was asked about was a dashboard's (answering: primary)."""
    flags: list[bool] = []

    def record(self, model, **hints):
        flags.append(routing._on_replica.get())

    monkeypatch.setattr(ReplicaRouter, "db_for_read", record)
    return flags


@pytest.mark.parametrize(
    "url, on_replica",
    [
        ("/quality/kpi/", True),
        ("/tat/", True),
        ("/quality/compliance/", True),
        ("/worklist/", False),
        ("/", False),
    ],
)
def test_dashboards_read_from_the_replica_and_work_pages_from_the_primary(
    make_staff, client_for, seen, url, on_replica
):
    director = make_staff(Role.DIRECTOR, whole_hospital=True)
    client = client_for(director)
    seen.clear()
    assert client.get(url).status_code == 200
    assert seen and any(seen) is on_replica
