"""A day of the synthetic hospital's work, made in memory from its own seeded stream:
returning patients, then each exam's requisition, its clock (arrival, start and completion
from the ordering time, the report deadline from the rule itself) and its events, then what
it leaves (`ImagingRows`, `LabRows`), the signatures and critical results both share, and the
devices' faults. `Generator.take_rows` hands the rows made so far to the writer."""

from __future__ import annotations

import datetime as dt
import math
import random
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from yiji.core.services import name_initials
from yiji.site.gen.hospital import Hospital
from yiji.site.gen.imaging import ImagingRows
from yiji.site.gen.lab import LabRows
from yiji.site.gen.tables import Ids, Table, written_models
from yiji.site.gen.vocabulary import (
    DIAGNOSES,
    ENDED,
    FAULTS,
    GIVEN,
    MIX,
    SOURCES,
    SURNAMES,
    TODAY,
    UTC,
    naive_utc,
    pick,
)


class Generator(ImagingRows, LabRows):
    def __init__(
        self, seed: int, per_day: int, hospital: Hospital, now: dt.datetime, ids: Ids | None = None
    ):
        self.seed, self.per_day, self.h = seed, per_day, hospital
        self.now, self.today = naive_utc(now), timezone.localdate(now)
        self.tz = ZoneInfo(settings.TIME_ZONE)
        order = written_models()
        self.t = {model.__name__: Table(model) for model in order}
        self.ids = ids or Ids(order)
        # Patients come back: a pool of about one person per eight exams, growing with time.
        self.patients: list[tuple[int, str, str, dt.date]] = []

    def take_rows(self) -> list[tuple[Table, list]]:
        """The rows made so far, table by table in writing order; the tables start empty."""
        batch = [(table, table.rows) for table in self.t.values() if table.rows]
        for table, _ in batch:
            table.rows = []
        return batch

    # ------------------------------------------------------------------ a day of work

    def day(self, day: dt.date, count: int) -> None:
        rng = random.Random(f"{self.seed}:{day.isoformat()}")
        midnight = naive_utc(dt.datetime.combine(day, dt.time.min, self.tz))
        is_today = day == self.today
        ended = day < self.today - dt.timedelta(days=1)
        for _ in range(math.ceil(count / 8) if len(self.patients) < 50 else count // 8):
            self._patient(rng, midnight)
        for _ in range(count):
            self._exam(rng, midnight, is_today, ended)
        for device in self.h.devices:
            if rng.random() < 0.015:  # about one fault per device every two months
                self._fault(rng, device, midnight)

    def _patient(self, rng: random.Random, midnight: dt.datetime) -> None:
        t = self.t["Patient"]
        pk = self.ids.take(t)
        sex = "M" if rng.random() < 0.5 else "F"
        birth = self.today - dt.timedelta(days=rng.randrange(365, 90 * 365))
        source = pick(rng, SOURCES)
        name = SURNAMES[rng.randrange(len(SURNAMES))] + "".join(
            GIVEN[rng.randrange(len(GIVEN))] for _ in range(rng.choice((1, 2)))
        )
        stamp = midnight
        t.add(
            id=pk,
            patient_id=f"G{pk:09d}",
            name=name,
            name_initials=name_initials(name),
            sex=sex,
            birth_date=birth,
            source=source,
            phone=f"13{rng.randrange(10**9):09d}",
            created_at=stamp,
            updated_at=stamp,
        )
        self.patients.append((pk, sex, source, birth))

    def _exam(self, rng: random.Random, midnight: dt.datetime, is_today: bool, ended: bool):
        h, t = self.h, self.t
        modality = pick(rng, MIX)
        item = rng.choice(h.items[modality])
        patient_id, sex, source, birth = self.patients[rng.randrange(len(self.patients))]
        urgent = source == "emergency" or rng.random() < 0.03
        # Most work falls in the day shift; emergencies come at any hour.
        if urgent and rng.random() < 0.5:
            minute = rng.uniform(0, 1440)
        else:
            minute = rng.uniform(7.5 * 60, 17.5 * 60)
        at = midnight + dt.timedelta(minutes=minute)
        if is_today:
            status = pick(rng, TODAY)
            if at > self.now and status not in ("booked", "requested"):
                at = self.now - dt.timedelta(minutes=rng.uniform(30, 120))
        else:
            status = pick(rng, ENDED) if ended else pick(rng, ENDED[:1] * 9 + ENDED[1:])
        booked_ahead = modality in ("CT", "MR", "US", "MG") and not urgent and source != "inpatient"
        ahead = dt.timedelta(days=rng.randrange(1, 4) if booked_ahead else 0)
        ordered = at - ahead - dt.timedelta(minutes=rng.uniform(30, 90))  # before arrival
        req_id, exam_id = self.ids.take(t["Requisition"]), self.ids.take(t["Exam"])
        ward = h.wards[rng.randrange(len(h.wards))]
        doctor = SURNAMES[rng.randrange(len(SURNAMES))] + "医生"
        t["Requisition"].add(
            id=req_id,
            number=f"GR{req_id:010d}",
            patient_id=patient_id,
            ordering_physician_name=doctor,
            ordering_department_id=ward.pk,
            clinical_history="病史：" + rng.choice(DIAGNOSES),
            purpose="明确诊断",
            clinical_diagnosis=rng.choice(DIAGNOSES),
            priority="urgent" if urgent else "routine",
            source="hl7" if rng.random() < 0.7 else "web",
            created_at=ordered,
            allergy_screen="clear" if modality in ("CT", "MR") else "not_done",
            pregnancy="no" if sex == "F" and modality not in ("US", "ECG", "LAB") else "na",
        )
        clock = self._clock(rng, modality, status, at, urgent)
        room = None
        if status != "requested" and modality != "LAB":
            rooms = h.rooms[modality]
            room = rooms[rng.randrange(len(rooms))]
        performer = h.people(h.technologists, item.department_id, rng)
        if modality in ("US", "ECG", "LAB"):
            performer = h.people(
                h.technologists if modality == "LAB" else h.physicians, item.department_id, rng
            )
        due, rule = None, ""
        if clock["completed"] is not None and modality != "LAB":
            due, rule = self._deadline(modality, urgent, source, item, ordered, clock["completed"])
        t["Exam"].add(
            id=exam_id,
            requisition_id=req_id,
            item_id=item.pk,
            patient_id=patient_id,
            department_id=item.department_id,
            modality=modality,
            priority="urgent" if urgent else "routine",
            status=status,
            accession=f"GA{exam_id:010d}" if status != "requested" else None,
            room_id=room.pk if room else None,
            scheduled_start=at if room else None,
            scheduled_end=at + dt.timedelta(minutes=item.duration_minutes) if room else None,
            queue_number=rng.randrange(1, 400) if clock["arrived"] else None,
            preparation_done=True,
            created_at=ordered,
            arrived_at=clock["arrived"],
            queued_at=clock["arrived"],
            started_at=clock["started"],
            performed_by_id=performer.pk if clock["started"] else None,
            completed_at=clock["completed"],
            report_due_at=due,
            report_due_rule=rule,
        )
        self._events(rng, exam_id, ordered, clock, status, performer)
        if modality == "LAB":
            if clock["started"] is not None:
                self._lab(rng, exam_id, item, clock, sex, birth, ended or not is_today, urgent)
            return
        if clock["completed"] is not None:
            self._record(rng, exam_id, modality, performer, clock)
            self._image_quality(rng, exam_id, item, performer, room, clock)
            self._report(rng, exam_id, item, modality, clock, ended, is_today, urgent)

    def _clock(self, rng, modality, status, at, urgent) -> dict[str, dt.datetime | None]:
        arrived = started = completed = None
        if status in ("arrived", "in_progress", "completed", "discontinued"):
            arrived = at - dt.timedelta(minutes=rng.uniform(2, 25))
        if status in ("in_progress", "completed", "discontinued"):
            started = at + dt.timedelta(minutes=rng.uniform(0, 8 if urgent else 40))
        if status == "completed":
            long = {"MR": 25, "CT": 8, "DSA": 60, "US": 12, "RF": 20, "LAB": 50}.get(modality, 4)
            completed = started + dt.timedelta(minutes=long * rng.uniform(0.6, 1.8))
            if completed > self.now:
                completed = None
        return {"arrived": arrived, "started": started, "completed": completed}

    def _deadline(self, modality, urgent, source, item, ordered, completed):
        from yiji.exams.clocks import deadline

        exam = SimpleNamespace(
            completed_at=completed.replace(tzinfo=UTC),
            department=item.department,
            modality=modality,
            priority="urgent" if urgent else "routine",
            patient=SimpleNamespace(source=source),
            requisition=SimpleNamespace(created_at=ordered.replace(tzinfo=UTC)),
        )
        due, rule = deadline(exam)
        return (naive_utc(due) if due else None), rule

    def _events(self, rng, exam_id, ordered, clock, status, performer) -> None:
        t = self.t["ExamEvent"]
        user = performer.user_id
        kinds = [("requested", ordered, None)]
        if clock["arrived"]:
            kinds.append(("arrived", clock["arrived"], None))
        if clock["started"]:
            kinds.append(("started", clock["started"], user))
        if clock["completed"]:
            kinds.append(("completed", clock["completed"], user))
        if status in ("cancelled", "no_show", "discontinued"):
            moment = clock["started"] or ordered + dt.timedelta(hours=rng.uniform(1, 48))
            kinds.append(
                (status, min(moment, self.now), user if status == "discontinued" else None)
            )
        for kind, at, actor in kinds:
            t.add(id=self.ids.take(t), exam_id=exam_id, kind=kind, at=at, actor_id=actor, data="{}")

    def _signature(self, staff, meaning: str, object_id: int, at: dt.datetime, on=None) -> int:
        t = self.t["ElectronicSignature"]
        pk = self.ids.take(t)
        t.add(
            id=pk,
            signer_id=staff.pk,
            signer_name=staff.name,
            title="",
            meaning=meaning,
            content_type_id=on or self.h.report_type,
            object_id=str(object_id),
            signed_at=at,
            method="password",
        )
        return pk

    def _critical(self, rng, exam_id, finding, staff, found: dt.datetime) -> None:
        notified = found + dt.timedelta(minutes=rng.uniform(1, 14))
        self.t["CriticalResult"].add(
            id=self.ids.take(self.t["CriticalResult"]),
            exam_id=exam_id,
            item="critical",
            finding=finding,
            found_at=found,
            found_by_id=staff.pk,
            notified_at=notified,
            notified_by_id=staff.pk,
            channel="phone",
            receiver=SURNAMES[rng.randrange(len(SURNAMES))] + "护士",
            receiver_department="病区",
            read_back=True,
            acknowledged_at=notified + dt.timedelta(minutes=rng.uniform(1, 20)),
            action_taken="已通知主管医生处理",
        )

    def _fault(self, rng, device, midnight) -> None:
        reported = midnight + dt.timedelta(hours=rng.uniform(7, 18))
        if reported > self.now:
            return
        repaired = reported + dt.timedelta(hours=rng.lognormvariate(1.5, 1.0))
        back = repaired if repaired < self.now else None
        t = self.t["Fault"]
        staff = self.h.people(self.h.technologists, device.department_id, rng)
        t.add(
            id=self.ids.take(t),
            device_id=device.pk,
            description=rng.choice(FAULTS),
            reported_by_id=staff.pk,
            reported_at=reported,
            engineer="厂家工程师",
            repair="更换部件并校准" if back else "",
            cause="部件老化" if back else "",
            responsibility="wear" if back else "",
            repaired_at=back,
            returned_at=back,
            return_check="开机自检、体模测试通过" if back else "",
            returned_by_id=staff.pk if back else None,
        )
