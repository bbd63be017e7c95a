"""What keeps an HL7 message cheap keeps it right: the reference data the listener holds in
memory is read again as soon as anything changes it, whoever changes it; a new order costs
a fixed handful of statements; connections applying side by side leave one unbroken audit
chain and every order once."""

from __future__ import annotations

import socket
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.interop.hl7_messages import order
from tests.interop.test_hl7_inbound import send
from yiji.core import audit
from yiji.core.models import AuditEntry
from yiji.interop.hl7 import inbound, mllp, reference
from yiji.interop.models import ReferenceChange
from yiji.orders.models import Exam, ExamItem, Requisition

CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")


@pytest.mark.django_db
def test_every_watched_table_has_its_trigger():
    assert reference.missing_triggers() == []


@pytest.mark.django_db(transaction=True)
def test_a_mapping_written_by_plain_sql_reaches_the_next_message(listener, items, ward):
    refused = send(listener, order("M1", items=[("250301001", "颅脑CT", "P1")]))
    assert refused["MSA"][1] == "AE" and refused["ERR"][2] == "OBR^1^4"
    with connection.cursor() as cursor:  # no service, no signal: only the trigger sees it
        cursor.execute(
            "INSERT INTO interop_codemapping (kind, external_code, internal_code, created_at)"
            " VALUES ('item', '250301001', 'CT-HEAD', CURRENT_TIMESTAMP)"
        )
    accepted = send(listener, order("M2", items=[("250301001", "颅脑CT", "P2")]))
    assert accepted["MSA"][1] == "AA"
    assert Exam.objects.get(placer_number="P2").item.code == "CT-HEAD"


@pytest.mark.django_db(transaction=True)
def test_an_item_withdrawn_after_a_message_is_refused_by_the_next(listener, items, ward):
    assert send(listener, order("W1", items=[("CT-HEAD", "x", "W1")]))["MSA"][1] == "AA"
    ExamItem.objects.filter(code="CT-HEAD").update(active=False)
    refused = send(listener, order("W2", items=[("CT-HEAD", "x", "W2")]))
    assert refused["MSA"][1] == "AE" and "停用" in refused["ERR"][8]
    assert not Exam.objects.filter(placer_number="W2").exists()


@pytest.mark.django_db(transaction=True)
def test_the_nightly_pruning_keeps_the_last_change_and_the_lookups_right(listener, items, ward):
    ExamItem.objects.filter(code="DR-CHEST").update(name="胸部正位片")
    ExamItem.objects.filter(code="DR-CHEST").update(name="胸部正位")
    assert ReferenceChange.objects.count() >= 2
    assert reference.prune() >= 1
    assert ReferenceChange.objects.count() == 1
    assert send(listener, order("N1", items=[("DR-CHEST", "x", "N1")]))["MSA"][1] == "AA"


@pytest.mark.django_db
def test_a_new_order_costs_twelve_statements_at_most(items, ward, hl7_actor):
    inbound.receive(hl7_actor, order("Q0", items=[("CT-HEAD", "x", "Q0")]).encode())
    text = order("Q1", patient_id="H0002", items=[("CT-HEAD", "x", "Q1")])
    with CaptureQueriesContext(connection) as captured:
        ack = inbound.receive(hl7_actor, text.encode())
    assert b"MSA|AA|" in ack
    statements = [q["sql"] for q in captured if not q["sql"].startswith(CONTROL)]
    assert len(statements) <= 12, "\n".join(statements)


@pytest.mark.django_db(transaction=True)
def test_four_connections_at_once_leave_one_chain_and_each_order_once(listener, items, ward):
    def sender(lane: int, answers: list[bytes]) -> None:
        with socket.create_connection(("127.0.0.1", listener.port), timeout=30) as sock:
            for n in range(8):
                text = order(f"C{lane}-{n}", patient_id=f"H{n % 3}",
                             items=[("DR-CHEST", "x", f"C{lane}-{n}")])  # fmt: skip
                sock.sendall(mllp.frame(text.encode()))
                data = b""
                while mllp.END not in data:
                    data += sock.recv(65536)
                answers.append(data)

    answers: list[bytes] = []
    lanes = [threading.Thread(target=sender, args=(lane, answers)) for lane in range(4)]
    for lane in lanes:
        lane.start()
    for lane in lanes:
        lane.join(60)
    assert len(answers) == 32 and all(b"MSA|AA|" in a for a in answers)
    assert Requisition.objects.count() == 32
    assert Exam.objects.values("placer_number").distinct().count() == 32
    *_, checked = audit.verify()
    assert checked == AuditEntry.objects.count()  # no problem found: the last answer is a count
    seqs = sorted(AuditEntry.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    requisitions = AuditEntry.objects.filter(object_type="orders.requisition").count()
    assert requisitions == 32


@pytest.mark.django_db(transaction=True)
def test_a_missing_trigger_is_shown_on_the_monitor_and_created_again_from_it(
    listener, items, ward, make_staff, client_for, monkeypatch
):
    from yiji.core.models import Role
    from yiji.core.permissions import PermissionRefused

    manager = make_staff(Role.ADMIN, whole_hospital=True)
    technologist = make_staff(Role.TECHNOLOGIST)
    admin = client_for(manager)
    assert send(listener, order("T0", items=[("CT-HEAD", "x", "T0")]))["MSA"][1] == "AA"
    dropped = reference._trigger_names("orders_examitem", connection.vendor)
    on = " ON orders_examitem" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:  # as a migration rebuilding the table on SQLite does
        for name in dropped:
            cursor.execute(f"DROP TRIGGER {name}{on}")
    monkeypatch.setattr(reference, "_triggers_present", None)  # the listener restarted since
    try:
        # Without the cache every message reads the tables: still right, only slower.
        assert send(listener, order("T1", items=[("CT-HEAD", "x", "T1")]))["MSA"][1] == "AA"
        assert reference._cache_on() is False
        ExamItem.objects.filter(code="CT-HEAD").update(active=False)  # no trigger records it
        page = admin.get("/interfaces/")
        assert page.context["missing_triggers"] == sorted(dropped)
        assert dropped[0] in page.content.decode()

        with pytest.raises(PermissionRefused):  # the service itself asks, whatever calls it
            reference.restore_triggers(technologist.user)
        assert reference.missing_triggers() == sorted(dropped)
        done = admin.post("/interfaces/reference-triggers/", follow=True)
        assert done.status_code == 200 and done.context["missing_triggers"] == []
        assert AuditEntry.objects.filter(object_type="reference_triggers").count() == 1
    finally:
        reference.restore_triggers(manager.user)
    monkeypatch.setattr(reference, "RECHECK_SECONDS", 0.0)
    assert reference._cache_on() is True  # the running listener turns its cache back on
    # ...and does not answer from its snapshot of before the item was withdrawn (ORD-1).
    refused = send(listener, order("T2", items=[("CT-HEAD", "x", "T2")]))
    assert refused["MSA"][1] == "AE"
