"""EQP-9 and EQP-10: stock is the sum of the ledger; use takes the lot that expires first and
never an expired one, linked to the exam; stock-taking books a difference with its reason;
alerts for low stock, expiring and expired lots and hazardous items past their check; the
hazardous item's custodian checks it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yiji.core.models import Notice
from yiji.core.rulebook import RuleViolation
from yiji.equipment import supplies
from yiji.equipment.models import StockMovement, SupplyItem

BEIJING = dt.timezone(dt.timedelta(hours=8))
D = dt.date


@pytest.fixture
def contrast(imaging):
    return SupplyItem.objects.create(
        department=imaging, name="碘海醇350 100ml", category="contrast", unit="瓶",
        min_stock=Decimal("5"),
    )  # fmt: skip


@pytest.mark.rules("EQP-9")
def test_first_expired_first_out_and_linked_to_the_exam(
    frozen_clock, contrast, technologist, completed, items
):
    supplies.receive(technologist.user, contrast, "B2", Decimal("10"), D(2027, 6, 30))
    supplies.receive(technologist.user, contrast, "A1", Decimal("3"), D(2026, 12, 31))
    with pytest.raises(RuleViolation, match="EQP-9"):
        supplies.receive(technologist.user, contrast, "X", Decimal("1"), D(2026, 11, 1))
    exam = completed(items["ct_head"])
    taken = supplies.use(technologist.user, contrast, Decimal("4"), exam=exam)
    assert [(m.lot, m.quantity, m.exam) for m in taken] == [
        ("A1", Decimal("-3"), exam),
        ("B2", Decimal("-1"), exam),
    ]
    assert supplies.stock(contrast) == Decimal("9")
    with pytest.raises(RuleViolation, match="EQP-9"):
        supplies.use(technologist.user, contrast, Decimal("10"))
    assert supplies.lots(contrast) == [("B2", D(2027, 6, 30), Decimal("9"))]


@pytest.mark.rules("EQP-9")
def test_expired_lots_are_not_used_and_are_alerted(frozen_clock, contrast, technologist, director):
    supplies.receive(technologist.user, contrast, "OLD", Decimal("2"), D(2026, 12, 10))
    supplies.receive(technologist.user, contrast, "NEW", Decimal("6"), D(2027, 12, 10))
    kinds = {(a.kind, a.item) for a in supplies.alerts()}
    assert ("expiring", contrast) in kinds  # within the 30-day warning
    frozen_clock.move_to(dt.datetime(2026, 12, 11, 8, 0, tzinfo=BEIJING))
    with pytest.raises(RuleViolation, match="EQP-9"):
        supplies.use(technologist.user, contrast, Decimal("1"), lot="OLD")
    taken = supplies.use(technologist.user, contrast, Decimal("2"))
    assert {m.lot for m in taken} == {"NEW"}
    texts = [a.text for a in supplies.alerts()]
    assert any("OLD已于2026-12-10过期" in t for t in texts)
    assert any("库存4" in t and "低于5" in t for t in texts), texts  # the 2 expired do not count
    assert supplies.remind() >= 2 and supplies.remind() == 0


@pytest.mark.rules("EQP-9")
def test_stock_taking_books_the_difference_with_a_reason(contrast, technologist):
    supplies.receive(technologist.user, contrast, "A1", Decimal("10"), D(2027, 1, 31))
    assert supplies.count(technologist.user, contrast, "A1", Decimal("10")) is None
    with pytest.raises(RuleViolation, match="EQP-9"):
        supplies.count(technologist.user, contrast, "A1", Decimal("8"))
    booked = supplies.count(technologist.user, contrast, "A1", Decimal("8"), "破损2瓶")
    assert (booked.kind, booked.quantity) == ("stocktake", Decimal("-2"))
    assert supplies.stock(contrast) == Decimal("8")


@pytest.mark.rules("EQP-10")
def test_hazardous_items_are_checked_by_their_custodian(
    frozen_clock, imaging, technologist, physician
):
    acid = SupplyItem.objects.create(
        department=imaging, name="冰醋酸", category="hazardous", unit="瓶", hazardous=True,
        custodian=technologist,
    )  # fmt: skip
    assert any(a.kind == "check" for a in supplies.alerts())  # never checked
    with pytest.raises(RuleViolation, match="EQP-10"):
        supplies.check_hazardous(physician.user, acid, True)
    with pytest.raises(RuleViolation, match="EQP-10"):
        supplies.check_hazardous(technologist.user, acid, False)
    supplies.check_hazardous(technologist.user, acid, True, "双人双锁，数量相符")
    assert not [a for a in supplies.alerts() if a.kind == "check"]
    frozen_clock.move_to(dt.datetime(2026, 12, 24, 8, 0, tzinfo=BEIJING))  # 31 days later
    assert [a.kind for a in supplies.alerts() if a.item == acid] == ["check"]
    supplies.remind()
    assert Notice.objects.filter(rule="EQP-10", recipient=technologist).exists()


@pytest.mark.rules("EQP-9")
def test_the_ledger_page(contrast, technologist, completed, items, client_for, engineer, imaging):
    client = client_for(technologist)
    client.post("/equipment/supplies/", {"action": "receive", "item": contrast.pk, "lot": "L1",
                                         "quantity": "6", "expires_on": "2027-03-01"})  # fmt: skip
    exam = completed(items["ct_head"])
    client.post("/equipment/supplies/", {"action": "use", "item": contrast.pk, "quantity": "1",
                                         "accession": exam.accession})  # fmt: skip
    refused = client.post(
        "/equipment/supplies/",
        {"action": "use", "item": contrast.pk, "quantity": "1", "accession": "NOPE"},
        follow=True,
    )
    assert "没有检查号为 NOPE 的检查" in refused.content.decode()
    assert StockMovement.objects.filter(exam=exam).count() == 1
    page = client.get("/equipment/supplies/")
    assert page.status_code == 200 and "L1: 5" in page.content.decode()
    client_for(engineer).post(
        "/equipment/supplies/",
        {"action": "item", "department": imaging.pk, "name": "胶片", "category": "film",
         "unit": "张", "min_stock": "100"},
    )  # fmt: skip
    assert SupplyItem.objects.filter(name="胶片").exists()
    item = {"action": "item", "department": imaging.pk, "name": "X", "category": "film"}
    assert client.post("/equipment/supplies/", item).status_code == 403  # a technologist


@pytest.mark.rules("EQP-9", "EQP-10")
def test_items_are_added_and_expired_lots_disposed_of(
    frozen_clock, engineer, technologist, imaging, client_for
):
    with pytest.raises(RuleViolation, match="EQP-10"):
        supplies.add_item(engineer.user, imaging, "浓硫酸", "hazardous", "瓶", None, hazardous=True)
    gel = supplies.add_item(engineer.user, imaging, "耦合剂", "consumable", "瓶", Decimal("2"))
    supplies.receive(technologist.user, gel, "G1", Decimal("3"), D(2026, 12, 1))
    frozen_clock.move_to(dt.datetime(2026, 12, 2, 8, 0, tzinfo=BEIJING))
    with pytest.raises(RuleViolation, match="EQP-9"):
        supplies.dispose(technologist.user, gel, "G1", "")
    client_for(technologist).post(
        "/equipment/supplies/",
        {"action": "dispose", "item": gel.pk, "lot": "G1", "reason": "过期销毁"},
    )
    (gone,) = StockMovement.objects.filter(kind="disposal")
    assert (gone.quantity, gone.note) == (Decimal("-3"), "过期销毁")
    assert supplies.lots(gel) == [] and not [a for a in supplies.alerts() if a.kind == "expired"]
