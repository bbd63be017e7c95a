"""Equipment's open work at a shift change (STF-4, the people.handover hook)."""

from __future__ import annotations

from yiji.core.models import Department
from yiji.equipment.models import Fault
from yiji.people.handover import LIMIT, item


def open_work(department: Department) -> list[dict]:
    """Devices in fault, not yet back in service."""
    faults = Fault.objects.filter(
        device__department=department, returned_at__isnull=True
    ).select_related("device")
    return [
        item("fault", f"{fault.device.name}：{fault.description[:80]}",
             f"/equipment/{fault.device_id}/")
        for fault in faults[:LIMIT]
    ]  # fmt: skip
