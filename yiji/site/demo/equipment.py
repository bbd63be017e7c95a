"""Demo equipment: a device in each imaging, ultrasound and ECG room with its licences and
default plans (today's start-of-day check done, so the demo's exams can start), contrast in
the ledger, lead aprons and the emergency plan, all through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from yiji.core.models import Room, Staff
from yiji.equipment import plans, services, supplies
from yiji.equipment.models import Device, EmergencyPlan, ProtectiveItem, SupplyItem

MAKERS = {
    "CT": ("联影", "uCT 760", True),
    "MR": ("西门子", "MAGNETOM Skyra 3.0T", True),
    "DSA": ("飞利浦", "Azurion 7", True),
    "DR": ("万东", "newVision", False),
    "RF": ("岛津", "SONIALVISION G4", False),
    "MG": ("GE", "Senographe Pristina", False),
    "US": ("迈瑞", "Resona 7", False),
    "ECG": ("光电", "ECG-2350", False),
}


def load() -> bool:
    """Idempotent: nothing is added once a device exists."""
    if Device.objects.exists():
        return False
    users = get_user_model().objects.in_bulk(["engineer", "tech"], field_name="username")
    if len(users) < 2:
        return False
    engineer, custodian = users["engineer"], Staff.objects.get(user=users["tech"])
    today = timezone.localdate()
    for room in Room.objects.filter(active=True).exclude(modalities=[]).order_by("code"):
        modality = room.modalities[0]
        maker, model, large = MAKERS.get(modality, ("—", "—", False))
        device = services.register_device(
            engineer,
            Device(
                department=room.department, name=f"{room.name}{modality}", kind=modality,
                modality=modality, manufacturer=maker, model=model, serial=f"DEMO-{room.code}",
                installed_on=dt.date(2021, 3, 1), room=room, ae_title=room.ae_title,
                custodian=custodian, large=large,
            ),
        )  # fmt: skip
        if large:
            services.add_licence(
                engineer, device, "large_equipment", f"配置许可-{room.code}",
                dt.date(2021, 1, 10), dt.date(2027, 1, 9),
            )  # fmt: skip
        if modality not in ("US", "ECG"):
            services.add_licence(
                engineer, device, "radiation_safety", "辐安证-云州-0042",
                dt.date(2022, 1, 1), today + dt.timedelta(days=20),
            )  # fmt: skip
        plans.create_default_plans(engineer, device, today)
        daily = device.plans.filter(kind="daily").first()
        if daily:
            plans.record(engineer, daily, [_on_reference(item) for item in daily.items.all()])
    imaging = Room.objects.get(code="CT1").department
    contrast = SupplyItem.objects.create(
        department=imaging, name="碘海醇注射液350 100ml", category="contrast", unit="瓶",
        min_stock=Decimal("20"),
    )  # fmt: skip
    supplies.receive(engineer, contrast, "H2026A", Decimal("60"), today + dt.timedelta(days=300))
    supplies.receive(engineer, contrast, "H2025C", Decimal("8"), today + dt.timedelta(days=18))
    for n in range(1, 5):
        ProtectiveItem.objects.create(
            department=imaging, kind="apron", label=f"铅衣-{n:02d}", lead_mm=Decimal("0.5"),
            acquired_on=today - dt.timedelta(days=300 + 40 * n),
        )  # fmt: skip
    EmergencyPlan.objects.create(
        department=imaging, title="放射科辐射事故应急预案", version="2026版",
        text="一、发生辐射事故立即停止照射、切断电源；二、撤离并隔离现场；"
        "三、报告科主任与医院应急办；四、受照人员剂量估算与医学观察。",
        approved_on=today - dt.timedelta(days=200),
    )  # fmt: skip
    return True


def _on_reference(item) -> plans.Result:
    if item.kind == "numeric":
        return plans.Result(item, value=item.reference)
    return plans.Result(item, passed=True)
