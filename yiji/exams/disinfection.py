"""Routine disinfection of rooms (EQP-7): every room is disinfected at the policy interval;
the last time, the next due date, and a reminder when it is overdue. The record itself is
the one the exam room keeps (services.record_disinfection), which also clears the hold
after an infectious patient (EXM-5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from yiji.core import notices, policy
from yiji.core.models import MEDTECH_KINDS, Role, Room
from yiji.core.rulebook import carries_out
from yiji.equipment.models import Device
from yiji.exams.models import Disinfection


@dataclass(frozen=True)
class RoomDisinfection:
    room: Room
    last: dt.datetime | None
    due: dt.date
    pending_hold: bool

    @property
    def overdue(self) -> bool:
        """Held after an infectious patient, past its date, or never disinfected at all."""
        return self.pending_hold or self.last is None or self.due < timezone.localdate()


@carries_out("EQP-7")
def schedule(rooms=None) -> list[RoomDisinfection]:
    """Each active room's last disinfection and when the next is due."""
    rooms = (
        rooms
        if rooms is not None
        else Room.objects.filter(active=True, department__kind__in=MEDTECH_KINDS).select_related(
            "department"
        )
    )
    last = dict(
        Disinfection.objects.filter(done_at__isnull=False)
        .values_list("room")
        .annotate(last=Max("done_at"))
        .order_by()
    )
    held = set(Disinfection.objects.filter(done_at__isnull=True).values_list("room", flat=True))
    today = timezone.localdate()
    rows = []
    for room in rooms:
        days = policy.value("eqp.disinfection_interval_days", department=room.department)
        done = last.get(room.pk)
        due = timezone.localdate(done) + dt.timedelta(days=days) if done else today
        rows.append(RoomDisinfection(room, done, due, room.pk in held))
    return sorted(rows, key=lambda r: (not r.overdue, r.due, r.room.code))


@carries_out("EQP-7")
def remind_overdue() -> int:
    """An overdue room is reminded once per due date to the custodians of its devices, or to
    the department's group leaders and director where it has none."""
    sent = 0
    for row in schedule():
        if not row.overdue or row.pending_hold:
            continue
        room = row.room
        custodians = [
            d.custodian for d in Device.objects.filter(room=room).select_related("custodian")
        ]
        recipients = custodians or (
            notices.holders(Role.GROUP_LEADER, room.department)
            + notices.holders(Role.DIRECTOR, room.department)
        )
        sent += notices.notify(
            recipients,
            "EQP-7",
            f"eqp7:{room.pk}:{row.due:%Y%m%d}",
            f"{room.name}应于{row.due}进行例行消毒，尚未记录。",
            url="/equipment/#disinfection",
        )
    return sent
