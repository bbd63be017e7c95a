"""The audit log is append-only and hash-chained; `yiji audit verify` finds tampering."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from yiji.core import audit
from yiji.core.models import AuditAction, AuditEntry


@pytest.fixture
def entries(clerk):
    for n in range(5):
        audit.record(clerk.user, AuditAction.UPDATE, clerk, before={"n": n}, after={"n": n + 1})
    return list(AuditEntry.objects.order_by("seq"))


def _verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def test_entries_are_chained_in_order(entries):
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.seq == before.seq + 1
        assert after.prev_hash == before.hash
    assert "intact" in _verify()


def test_changing_one_row_is_found(entries):
    target = entries[-3]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET reason = %s WHERE id = %s", ["edited", target.pk]
        )
    with pytest.raises(CommandError, match=f"entry {target.seq}: altered") as broken:
        _verify()
    assert f"({target.seq - 1} entries before it are intact)" in str(broken.value)


def test_changing_a_json_value_is_found(entries):
    target = entries[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET after = %s WHERE id = %s", ['{"n": 99}', target.pk]
        )
    with pytest.raises(CommandError, match=f"entry {target.seq}: altered"):
        _verify()


def test_removing_a_middle_row_is_found(entries):
    target = entries[2]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [target.pk])
    with pytest.raises(CommandError, match=f"entry {target.seq}: missing"):
        _verify()


def test_removing_the_last_row_is_found(entries):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[-1].pk])
    with pytest.raises(CommandError, match="missing"):
        _verify()


def test_rewriting_a_row_with_a_fresh_hash_breaks_the_next_link(entries):
    target = entries[1]
    target.reason = "forged"
    forged_hash = audit._digest(target)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET reason = %s, hash = %s WHERE id = %s",
            ["forged", forged_hash, target.pk],
        )
    with pytest.raises(CommandError, match=f"entry {target.seq + 1}: broken link"):
        _verify()


def test_the_orm_refuses_to_edit_or_delete(entries):
    entry = entries[0]
    entry.reason = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_the_admin_site_offers_no_audit_editing(entries, make_staff, client_for):
    from yiji.core.models import Role

    admin = make_staff(Role.ADMIN)
    client = client_for(admin)
    assert client.get("/admin/core/auditentry/").status_code == 404


def test_an_empty_log_verifies(db):
    assert "0 entries" in _verify()
