"""The database refusing writes (issue 11's fault drills): on SQLite the file's disk is full
(emulated with max_page_count, which fails exactly as a full disk does: SQLITE_FULL); on
PostgreSQL the server has failed over to a read-only standby. Either way the user gets a
clear 503 page, nothing half-written stays, the database is intact, and once the fault is
gone the same action goes through."""

from __future__ import annotations

import pytest
from django.db import connection

from yiji.core.models import Patient, Role

pytestmark = pytest.mark.django_db(transaction=True)


def _refuse_writes(on: bool) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages if on else 1073741823}")
        else:
            cursor.execute(f"SET default_transaction_read_only = {'on' if on else 'off'}")


def _intact() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            return cursor.fetchone()[0] == "ok"
        cursor.execute("SELECT count(*) FROM core_patient")
        return cursor.fetchone()[0] >= 0


def test_a_write_refused_by_the_database_gets_a_clear_page_and_loses_nothing(
    make_staff, client_for
):
    clerk = make_staff(Role.CLERK)
    client = client_for(clerk)
    kept = Patient.objects.create(patient_id="P1", name="已有患者", sex="F", source="outpatient")
    form = {
        "patient_id": "P2", "name": "新患者", "sex": "M", "birth_date": "1980-01-01",
        "source": "outpatient", "allergy_history": "青霉素过敏。" * 20000,  # new pages needed
    }  # fmt: skip
    _refuse_writes(True)
    try:
        page = client.post("/patients/new/", form)
    finally:
        _refuse_writes(False)
    assert page.status_code == 503 and page["Retry-After"] == "30"
    text = page.content.decode()
    assert "没有丢失" in text and "nothing stored was lost" in text
    if connection.vendor == "sqlite":
        assert "存储空间已满" in text
    assert _intact()
    assert list(Patient.objects.values_list("patient_id", flat=True)) == [kept.patient_id]
    again = client.post("/patients/new/", form)
    assert again.status_code == 302
    assert Patient.objects.filter(patient_id="P2").exists()


def test_a_database_lost_before_the_view_runs_gets_the_same_clear_page(
    make_staff, client_for, monkeypatch
):
    """A PostgreSQL restart is usually met by the session middleware, before any view: the
    500 handler gives the 503 page there too; any other error keeps the plain 500 page."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError

    client = client_for(make_staff(Role.CLERK))
    client.raise_request_exception = False

    def server_gone(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "_get_session_from_db", server_gone)
    page = client.get("/worklist/")
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert "数据库暂不可用" in page.content.decode()

    monkeypatch.setattr(SessionStore, "_get_session_from_db", lambda self: 1 / 0)
    page = client.get("/worklist/")
    assert page.status_code == 500
    assert "服务器出错" in page.content.decode()
