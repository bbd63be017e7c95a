"""The supplies and contrast ledger (EQP-9) and the custody of hazardous items (EQP-10).

Stock is never a typed number: it is the sum of the ledger's movements per lot. Receipts
add a lot with its expiry; use takes from the lot that expires first (first-expired,
first-out) and never from an expired lot; a stock-taking count books the difference with its
reason. Alerts: below minimum stock, lots expiring within the policy warning period, expired
lots still in stock, hazardous items past their periodic check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from yiji.core import audit, notices, policy
from yiji.core.accounts import staff_of
from yiji.core.models import AuditAction, Role
from yiji.core.permissions import Action, require
from yiji.core.rulebook import RuleViolation, carries_out
from yiji.equipment.models import (
    HazardCheck,
    MovementKind,
    StockMovement,
    SupplyCategory,
    SupplyItem,
)
from yiji.orders.models import Exam


def _refuse(rule: str, zh: str, en: str, field: str = "") -> RuleViolation:
    return RuleViolation(rule, zh, en, field=field)


@carries_out("EQP-9", "EQP-10")
def add_item(
    actor,
    department,
    name: str,
    category: str,
    unit: str,
    min_stock: Decimal | None,
    *,
    hazardous: bool = False,
    custodian=None,
) -> SupplyItem:
    """A new item of the ledger; a hazardous or valuable one needs its custodian (EQP-10)."""
    require(actor, Action.MANAGE_EQUIPMENT)
    if not name.strip() or category not in SupplyCategory.values:
        raise _refuse("EQP-9", "请填写物品名称和类别。", "Give the name and the category.", "name")
    if min_stock is not None and min_stock < 0:
        raise _refuse("EQP-9", "最低库存不能为负。", "The minimum cannot be negative.", "min_stock")
    if hazardous and custodian is None:
        raise _refuse("EQP-10", "危险或贵重物品须指定保管人。", "Name the custodian.", "custodian")
    item = SupplyItem.objects.create(
        department=department, name=name.strip()[:100], category=category,
        unit=unit.strip()[:16] or "件", min_stock=min_stock or 0, hazardous=hazardous,
        custodian=custodian,
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, item)
    return item


@carries_out("EQP-9")
def dispose(actor, item: SupplyItem, lot: str, reason: str) -> StockMovement:
    """What is left of a lot (expired, damaged) leaves the stock with its reason."""
    require(actor, Action.REPORT_FAULT)
    held = {row[0]: row for row in lots(item)}
    if lot not in held:
        raise _refuse("EQP-9", f"批号{lot}没有库存。", f"Lot {lot} holds no stock.", "lot")
    if not reason.strip():
        raise _refuse("EQP-9", "请写明处置原因。", "Give the reason.", "reason")
    _lot, expires, quantity = held[lot]
    movement = StockMovement.objects.create(
        item=item, lot=lot, expires_on=expires, kind=MovementKind.DISPOSAL, quantity=-quantity,
        note=reason.strip()[:200], by=staff_of(actor, "EQP-9"),
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, movement)
    return movement


def lots(item: SupplyItem) -> list[tuple[str, dt.date | None, Decimal]]:
    """(lot, expiry, quantity in stock) of every lot still holding stock, expiring first."""
    rows = (
        StockMovement.objects.filter(item=item)
        .values("lot")
        .annotate(quantity=Sum("quantity"), expires=Min("expires_on"))
        .order_by()
    )
    held = [(r["lot"], r["expires"], r["quantity"]) for r in rows if r["quantity"] > 0]
    return sorted(held, key=lambda r: (r[1] is None, r[1] or dt.date.max, r[0]))


def stock(item: SupplyItem) -> Decimal:
    return StockMovement.objects.filter(item=item).aggregate(s=Sum("quantity"))["s"] or Decimal(0)


@carries_out("EQP-9")
def receive(
    actor,
    item: SupplyItem,
    lot: str,
    quantity: Decimal,
    expires_on: dt.date | None,
    note: str = "",
) -> StockMovement:
    require(actor, Action.REPORT_FAULT)
    if not lot.strip() or quantity is None or quantity <= 0:
        raise _refuse("EQP-9", "请填写批号和入库数量。", "Give the lot and a quantity.", "quantity")
    if expires_on and expires_on <= timezone.localdate():
        raise _refuse(
            "EQP-9", "过期物品不能入库。", "An expired lot is not received.", "expires_on"
        )
    movement = StockMovement.objects.create(
        item=item, lot=lot.strip(), expires_on=expires_on, kind=MovementKind.RECEIPT,
        quantity=quantity, note=note.strip()[:200], by=staff_of(actor, "EQP-9"),
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, movement)
    return movement


@carries_out("EQP-9")
def use(
    actor, item: SupplyItem, quantity: Decimal, *, exam: Exam | None = None, lot: str = ""
) -> list[StockMovement]:
    """Take from stock, from the named lot or the lots that expire first; an exam given
    contrast is linked to what it used."""
    require(actor, Action.REPORT_FAULT)
    if quantity is None or quantity <= 0:
        raise _refuse("EQP-9", "请填写用量。", "Give the quantity used.", "quantity")
    today = timezone.localdate()
    with transaction.atomic():
        SupplyItem.objects.select_for_update().get(pk=item.pk)  # one taker at a time
        available = [row for row in lots(item) if not lot or row[0] == lot.strip()]
        usable = [row for row in available if row[1] is None or row[1] >= today]
        if lot and available and not usable:
            raise _refuse("EQP-9", f"批号{lot}已过期，不能使用。", f"Lot {lot} has expired.", "lot")
        if sum(row[2] for row in usable) < quantity:
            raise _refuse(
                "EQP-9",
                f"{item.name}库存不足（未过期库存{sum(r[2] for r in usable)}{item.unit}）。",
                f"Not enough {item.name} in unexpired stock.",
                "quantity",
            )
        taken, left = [], quantity
        for lot_no, expires, held in usable:
            part = min(held, left)
            taken.append(
                StockMovement.objects.create(
                    item=item,
                    lot=lot_no,
                    expires_on=expires,
                    kind=MovementKind.CONSUMPTION,
                    quantity=-part,
                    exam=exam,
                    by=staff_of(actor, "EQP-9"),
                )  # fmt: skip
            )
            left -= part
            if not left:
                break
    return taken


@carries_out("EQP-9")
def count(
    actor, item: SupplyItem, lot: str, counted: Decimal, reason: str = ""
) -> StockMovement | None:
    """Stock-taking: the counted quantity of a lot; a difference is booked with its reason."""
    require(actor, Action.REPORT_FAULT)
    if counted is None or counted < 0:
        raise _refuse("EQP-9", "请填写盘点数量。", "Give the counted quantity.", "counted")
    held = {row[0]: row for row in lots(item)}
    current = held[lot][2] if lot in held else Decimal(0)
    difference = counted - current
    if not difference:
        return None
    if not reason.strip():
        raise _refuse(
            "EQP-9", f"盘点差异{difference}{item.unit}，请写明原因。", "Explain the difference.",
            "reason",
        )  # fmt: skip
    expires = held[lot][1] if lot in held else None
    movement = StockMovement.objects.create(
        item=item, lot=lot, expires_on=expires, kind=MovementKind.STOCKTAKE, quantity=difference,
        note=reason.strip()[:200], by=staff_of(actor, "EQP-9"),
    )  # fmt: skip
    audit.record(actor, AuditAction.CREATE, movement)
    return movement


@carries_out("EQP-10")
def check_hazardous(actor, item: SupplyItem, in_order: bool, note: str = "") -> HazardCheck:
    staff = staff_of(actor, "EQP-10")
    if not item.hazardous:
        raise _refuse("EQP-10", "该物品不属于危险或贵重物品。", "Not a hazardous item.")
    if staff != item.custodian:
        raise _refuse("EQP-10", "由指定保管人检查。", "The custodian checks it.")
    if not in_order and not note.strip():
        raise _refuse("EQP-10", "发现问题须写明情况。", "Describe the problem.", "note")
    check = HazardCheck.objects.create(
        item=item, checked_on=timezone.localdate(), in_order=in_order, note=note.strip(), by=staff
    )
    audit.record(actor, AuditAction.CREATE, check)
    return check


@dataclass(frozen=True)
class Alert:
    item: SupplyItem
    kind: str  # low, expiring, expired, check
    text: str


@carries_out("EQP-9", "EQP-10")
def alerts(department=None) -> list[Alert]:
    today = timezone.localdate()
    items = SupplyItem.objects.filter(active=True).select_related("department", "custodian")
    if department is not None:
        items = items.filter(department=department)
    found = []
    for item in items:
        held = lots(item)
        # Expired stock cannot be used, so it does not keep an item above its minimum.
        total = sum((row[2] for row in held if not row[1] or row[1] >= today), Decimal(0))
        name, unit = item.name, item.unit
        if total < item.min_stock:
            found.append(Alert(item, "low", f"{name}库存{total}{unit}，低于{item.min_stock}。"))
        warn = policy.value("eqp.expiry_warning_days", department=item.department)
        for lot, expires, left in held:
            if expires and expires < today:
                text = f"{name}批号{lot}已于{expires}过期，余{left}{unit}，请处置。"
                found.append(Alert(item, "expired", text))
            elif expires and expires <= today + dt.timedelta(days=warn):
                text = f"{name}批号{lot}将于{expires}过期，余{left}{unit}。"
                found.append(Alert(item, "expiring", text))
        if item.hazardous:
            days = policy.value("eqp.hazardous_check_interval_days", department=item.department)
            last = item.checks.first()
            due = last.checked_on + dt.timedelta(days=days) if last else today
            if last is None or due < today:
                found.append(Alert(item, "check", f"{name}应于{due}前由保管人检查。"))
    return found


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:10]


@carries_out("EQP-9", "EQP-10")
def remind() -> int:
    """Each alert once a day to the custodian of the item, else the department's director."""
    sent = 0
    today = timezone.localdate()
    for alert in alerts():
        item = alert.item
        recipients = (
            [item.custodian] if item.custodian else notices.holders(Role.DIRECTOR, item.department)
        )
        sent += notices.notify(
            recipients,
            "EQP-10" if alert.kind == "check" else "EQP-9",
            f"eqp9:{item.pk}:{alert.kind}:{today:%Y%m%d}:{_digest(alert.text)}",
            alert.text,
            url="/equipment/supplies/",
        )
    return sent
