"""The synthetic hospital behind `yiji gen`: years of a department's work, seeded and
deterministic, written through the database's bulk path (COPY on PostgreSQL, one executemany
per table and batch on SQLite), never one ORM save per row.

Each day is generated from its own random stream (seed and date), so the same seed, volume,
end date and number of jobs give the same rows whatever the batch size. Rows follow the
clinical flow the services enforce: requisition → exam with its events → report signed by its
author (and a reviewer for residents' and difficult cases) → critical results, follow-ups,
dose records; lab panels with specimens, results, flags and a released report; device faults.
The generator does not call the services (that would be one transaction per exam); what it
writes is what they would leave. Report deadlines do come from the rule itself
(`reports.clocks.deadline`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import queue
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

UTC = dt.UTC
# Share of a day's exams by modality: a tertiary hospital's imaging, ultrasound, ECG and lab.
MIX = [
    ("DR", 0.27), ("CR", 0.01), ("CT", 0.20), ("MR", 0.07), ("MG", 0.02), ("RF", 0.02),
    ("DSA", 0.01), ("US", 0.18), ("ECG", 0.07), ("LAB", 0.15),
]  # fmt: skip
SOURCES = [("outpatient", 0.55), ("inpatient", 0.30), ("emergency", 0.10), ("checkup", 0.05)]
ENDED = [("completed", 0.95), ("cancelled", 0.025), ("no_show", 0.02), ("discontinued", 0.005)]
TODAY = [
    ("completed", 0.35), ("in_progress", 0.08), ("arrived", 0.12), ("booked", 0.35),
    ("requested", 0.10),
]  # fmt: skip
# How far reporting has gone: long ago nearly all signed; yesterday and today some still open.
REPORTS_ENDED = [("final", 0.955), ("amended", 0.015), ("preliminary", 0.01), ("draft", 0.02)]
REPORTS_YESTERDAY = [("final", 0.6), ("submitted", 0.15), ("draft", 0.1), ("none", 0.15)]
REPORTS_TODAY = [("final", 0.3), ("submitted", 0.2), ("draft", 0.2), ("none", 0.3)]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉宇浩然欣怡子涵梓轩"
FINDINGS = {
    False: [
        ("双肺纹理清晰，未见明确实质性病变。心影大小形态未见异常。", "未见明显异常。"),
        ("所示结构形态、信号未见明显异常，未见占位性病变。", "检查未见明显异常。"),
        ("各脏器形态大小正常，回声均匀，未见明显占位。", "未见明显异常。"),
        ("窦性心律，心率72次/分，各导联未见明显ST-T改变。", "正常心电图。"),
    ],
    True: [
        ("右肺下叶见一结节影，大小约8mm×6mm，边缘欠光整。", "右肺下叶结节，建议随访复查。"),
        ("肝右叶见类圆形低密度灶，边界清，增强扫描未见强化。", "肝右叶囊肿可能。"),
        ("左侧基底节区见斑片状异常信号，DWI呈高信号。", "左侧基底节区急性腔隙性脑梗死。"),
        ("胆囊内见强回声团伴声影，随体位移动。", "胆囊结石。"),
        ("窦性心律，V1-V4导联ST段抬高0.2mV。", "急性前壁心肌梗死可能，请结合临床。"),
        ("右侧第5、6肋骨骨皮质不连续，断端轻度错位。", "右侧第5、6肋骨骨折。"),
    ],
}
DIAGNOSES = ["咳嗽待查", "腹痛待查", "头晕", "胸痛", "体检", "外伤", "发热", "高血压", "糖尿病"]
FAULTS = ["开机自检报错", "球管打火", "探测器通讯中断", "检查床无法升降", "图像伪影", "网络中断"]
REJECTING = ("DR", "CR", "CT", "MR", "MG", "RF")
REJECT_REASONS = [
    ("positioning", 0.30), ("exposure", 0.20), ("motion", 0.20), ("artefact", 0.10),
    ("marker", 0.05), ("wrong_part", 0.05), ("equipment", 0.05), ("other", 0.05),
]  # fmt: skip
XRAY_DOSE = {"DR": (70, 10), "CR": (70, 12), "MG": (28, 60), "RF": (80, 3), "DSA": (85, 4)}


@dataclass
class Totals:
    days: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def exams(self) -> int:
        return self.rows.get("orders_exam", 0)


def pick(rng: random.Random, shares: list[tuple[str, float]]) -> str:
    u, total = rng.random(), 0.0
    for value, share in shares:
        total += share
        if u < total:
            return value
    return shares[-1][0]


def naive_utc(moment: dt.datetime) -> dt.datetime:
    """Every moment here is a naive UTC datetime: both backends take them on their bulk path
    (Django's connections run in UTC), which saves converting millions of values."""
    return moment.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class Person:
    pk: int
    user_id: int
    name: str
    physician_title: int | None


class Table:
    """One table's rows in column order; the columns a row does not name take the model's
    default, turned into its database value once."""

    def __init__(self, model: type[models.Model]):
        self.name = model._meta.db_table
        fields = model._meta.concrete_fields
        self.columns = [f.column for f in fields]
        self.index = {f.attname: i for i, f in enumerate(fields)}
        self.template = [self._default(f) for f in fields]
        self.rows: list[list] = []

    @staticmethod
    def _default(f: models.Field):
        if f.has_default() and callable(f.default):
            return None  # the generator names these (times, keys) where they matter
        if isinstance(f, models.JSONField):
            return json.dumps(f.get_default())
        return f.get_db_prep_save(f.get_default(), connection)  # "" for a blank text field

    def add(self, **values) -> None:
        row = self.template.copy()
        for name, value in values.items():
            row[self.index[name]] = value
        self.rows.append(row)


def write(batch: list[tuple[Table, list]]) -> dict[str, int]:
    """Write each table's rows, in the order given (parents before children)."""
    written = {}
    with connection.cursor() as cursor:
        for table, rows in batch:
            columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("%s" for _ in table.columns)
                cursor.executemany(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})", rows)
            written[table.name] = len(rows)
    return written


class Ids:
    """The next free primary key of each table: rows are written with their ids, so children
    can point at parents before anything reaches the database."""

    def __init__(self, model_list, start: dict[str, int] | None = None):
        self.next = dict(start or {})
        for model in model_list:
            if model._meta.db_table not in self.next:
                top = model.objects.aggregate(m=models.Max("pk"))["m"] or 0
                self.next[model._meta.db_table] = top + 1

    def after(self, exams: int, bounds: dict[str, int]) -> dict[str, int]:
        """Where a job that follows `exams` exams starts each table: past every id those exams
        could have taken (`bounds`: the most rows one exam brings to the table)."""
        return {table: n + exams * bounds[table] for table, n in self.next.items()}

    def take(self, table: Table) -> int:
        value = self.next[table.name]
        self.next[table.name] = value + 1
        return value


class Hospital:
    """The reference data the exams are spread over: catalogue, rooms, people, devices."""

    def __init__(self):
        from yiji.core.models import Department, DepartmentKind, Membership
        from yiji.equipment.models import Device
        from yiji.lab.models import LabItem, LabTest, PanelTest
        from yiji.orders.models import ExamItem
        from yiji.reports.models import Report

        self.items: dict[str, list] = {}
        for item in (
            ExamItem.objects.filter(active=True).select_related("department").order_by("pk")
        ):
            self.items.setdefault(item.modality, []).append(item)
        self.rooms: dict[str, list] = {}
        for dept_rooms in _rooms().values():
            for modality, rooms in dept_rooms.items():
                self.rooms.setdefault(modality, []).extend(rooms)
        self.physicians: dict[int, list] = {}
        self.seniors: dict[int, list] = {}
        self.technologists: dict[int, list] = {}
        for m in Membership.objects.select_related("staff").order_by("staff_id"):
            staff = Person(m.staff.pk, m.staff.user_id, m.staff.name, m.staff.physician_title)
            if staff.physician_title is not None:
                self.physicians.setdefault(m.department_id, []).append(staff)
                if staff.physician_title >= 2:
                    self.seniors.setdefault(m.department_id, []).append(staff)
            if m.staff.technologist_title is not None:
                self.technologists.setdefault(m.department_id, []).append(staff)
        self.everyone = sorted({s for v in self.physicians.values() for s in v}, key=lambda s: s.pk)
        self.wards = list(Department.objects.filter(kind=DepartmentKind.CLINICAL).order_by("pk"))
        self.panels = {
            lab_item.item_id: (
                lab_item,
                [
                    pt.test
                    for pt in PanelTest.objects.filter(panel=lab_item)
                    .select_related("test")
                    .order_by("position")
                ],
            )
            for lab_item in LabItem.objects.order_by("pk")
        }
        self.ranges = {
            test.pk: list(test.ranges.all())
            for test in LabTest.objects.prefetch_related("ranges").order_by("pk")
        }
        self.devices = list(Device.objects.order_by("pk"))
        self.report_type = ContentType.objects.get_for_model(Report).pk
        from yiji.orders.models import Exam

        self.exam_type = ContentType.objects.get_for_model(Exam).pk
        missing = [
            m for m, _ in MIX if not self.items.get(m) or (m != "LAB" and not self.rooms.get(m))
        ]
        if missing:
            raise ValueError(f"the catalogue has no item or room for {', '.join(missing)}")

    def rows_per_exam(self) -> dict[str, int]:
        """The most rows one exam (with its share of the day's patients and faults) brings to
        each table: parallel jobs take id ranges that cannot meet."""
        panel = max((len(tests) for _, tests in self.panels.values()), default=1)
        most = {"orders_examevent": 7, "core_electronicsignature": 2, "lab_specimen": 2,
                "lab_specimenevent": 4, "lab_labresult": panel,
                "equipment_fault": max(1, len(self.devices))}  # fmt: skip
        return {
            model._meta.db_table: most.get(model._meta.db_table, 1) for model in written_models()
        }

    def people(self, pool: dict[int, list], department_id: int, rng: random.Random):
        staff = pool.get(department_id) or self.physicians.get(department_id) or self.everyone
        return staff[rng.randrange(len(staff))]


def _rooms() -> dict[int, dict[str, list]]:
    from yiji.core.models import Room

    found: dict[int, dict[str, list]] = {}
    for room in Room.objects.filter(active=True).order_by("pk"):
        for modality in room.modalities:
            found.setdefault(room.department_id, {}).setdefault(modality, []).append(room)
    return found


def load_reference() -> None:
    """The demo hospital's departments, staff, rooms, catalogue, devices and lab tests."""
    from yiji.core import demo
    from yiji.core.models import Department, DepartmentKind
    from yiji.equipment import demo as equipment_demo
    from yiji.lab import catalogue as lab_catalogue
    from yiji.lab.models import LabTest
    from yiji.orders.catalogue import load_demo_catalogue

    demo.load()
    load_demo_catalogue()
    equipment_demo.load()
    lab = Department.objects.filter(kind=DepartmentKind.LAB).first()
    if lab is not None and not LabTest.objects.exists():
        lab_catalogue.load(lab)


class Generator:
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
        from yiji.reports.clocks import deadline

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

    def _image_quality(self, rng, exam_id, item, performer, room, clock) -> None:
        """Rejected images (about 2 % of radiography, CT and MR) and the film-grading sample."""
        t, modality = self.t, item.modality
        if modality in REJECTING and rng.random() < 0.02:
            t["RejectedImage"].add(
                id=self.ids.take(t["RejectedImage"]),
                exam_id=exam_id,
                modality=modality,
                reason=pick(rng, REJECT_REASONS),
                retaken=True,
                recorded_at=clock["started"] + dt.timedelta(minutes=3),
                recorded_by_id=performer.pk,
                room_id=room.pk,
                technologist_id=performer.pk,
            )
        if modality in XRAY_DOSE or modality in ("CT", "MR"):
            if rng.random() < 0.05:
                grader = self.h.people(self.h.seniors, item.department_id, rng)
                t["FilmGrade"].add(
                    id=self.ids.take(t["FilmGrade"]),
                    exam_id=exam_id,
                    grade=pick(rng, [("A", 0.8), ("B", 0.17), ("C", 0.03)]),
                    graded_at=clock["completed"] + dt.timedelta(days=rng.uniform(1, 14)),
                    graded_by_id=grader.pk,
                )

    def _record(self, rng, exam_id, modality, performer, clock) -> None:
        if modality not in XRAY_DOSE and modality not in ("CT", "MR"):
            return
        values = {}
        if modality == "CT":
            ctdi = round(rng.uniform(4, 25), 2)
            values = {
                "ctdi_vol": Decimal(str(ctdi)),
                "dlp": Decimal(str(round(ctdi * rng.uniform(20, 45), 1))),
            }
        elif modality in XRAY_DOSE:
            kv, mas = XRAY_DOSE[modality]
            values = {
                "kv": kv + rng.randrange(-5, 6),
                "mas": Decimal(str(round(mas * rng.uniform(0.7, 1.5), 1))),
            }
            if modality in ("RF", "DSA"):
                values["dap"] = Decimal(str(round(rng.uniform(5, 120), 1)))
        contrast = modality in ("CT", "MR", "DSA") and rng.random() < 0.4
        self.t["ExamRecord"].add(
            id=self.ids.take(self.t["ExamRecord"]),
            exam_id=exam_id,
            technique_technologist_id=performer.pk,
            pregnancy_checked=True,
            contrast_agent="碘海醇"
            if contrast and modality != "MR"
            else ("钆喷酸葡胺" if contrast else ""),
            contrast_ml=Decimal("80") if contrast else None,
            contrast_route="intra_arterial"
            if contrast and modality == "DSA"
            else ("iv" if contrast else "none"),
            reaction="none" if contrast else "",
            images_accepted_by_id=performer.pk,
            images_accepted_at=clock["completed"],
            **values,
        )

    def _report(self, rng, exam_id, item, modality, clock, ended, is_today, urgent) -> None:
        h, t = self.h, self.t
        shares = REPORTS_ENDED if ended else REPORTS_TODAY if is_today else REPORTS_YESTERDAY
        status = pick(rng, shares)
        if status == "none":
            return
        t["Exam"].rows[-1][t["Exam"].index["has_report"]] = True
        author = h.people(h.physicians, item.department_id, rng)
        positive = rng.random() < (0.45 if modality == "US" else 0.35)
        findings, impression = rng.choice(FINDINGS[positive])
        done = clock["completed"]
        minutes = rng.uniform(8, 50) if urgent else rng.lognormvariate(5.0, 0.9)
        signed_at = min(done + dt.timedelta(minutes=minutes), self.now)
        report_id = self.ids.take(t["Report"])
        signed = status in ("final", "amended", "preliminary")
        author_sig = reviewer = reviewer_sig = None
        if signed or status == "submitted":
            author_sig = self._signature(author, "report author", report_id, signed_at)
        needs_review = author.physician_title < 2 or rng.random() < 0.1
        if status in ("final", "amended") and needs_review:
            reviewer = h.people(h.seniors, item.department_id, rng)
            signed_at = min(signed_at + dt.timedelta(minutes=rng.uniform(5, 120)), self.now)
            reviewer_sig = self._signature(reviewer, "report reviewer", report_id, signed_at)
        final = status in ("final", "amended")
        t["Report"].add(
            id=report_id,
            exam_id=exam_id,
            status=status,
            findings=findings,
            impression=impression,
            positive=positive if signed else None,
            difficult=rng.random() < 0.02,
            image_grade=("A" if rng.random() < 0.8 else "B") if signed else "",
            verification_key=uuid.UUID(int=rng.getrandbits(128)).hex,
            quality_issues="[]",
            version=2 if reviewer else 1,
            author_id=author.pk,
            author_signature_id=author_sig,
            reviewer_id=reviewer.pk if reviewer else None,
            reviewer_signature_id=reviewer_sig,
            created_at=done,
            submitted_at=signed_at if author_sig else None,
            preliminary_at=signed_at if status == "preliminary" else None,
            final_at=signed_at if final else None,
            released_at=signed_at if signed else None,
        )
        if signed:
            kind = "report_final" if final else "report_preliminary"
            t["ExamEvent"].add(
                id=self.ids.take(t["ExamEvent"]),
                exam_id=exam_id,
                kind=kind,
                at=signed_at,
                actor_id=(reviewer or author).user_id,
                data="{}",
            )
        if signed and positive and rng.random() < 0.03:
            self._critical(rng, exam_id, impression, author, done)
        if signed and positive and ended and rng.random() < 0.08:
            self._follow_up(rng, exam_id, author, signed_at)

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

    def _follow_up(self, rng, exam_id, reader, signed_at) -> None:
        opened = signed_at + dt.timedelta(days=1)
        recorded = rng.random() < 0.8
        concordance = pick(rng, [("full", 0.75), ("partial", 0.18), ("none", 0.07)])
        self.t["FollowUp"].add(
            id=self.ids.take(self.t["FollowUp"]),
            exam_id=exam_id,
            reason="positive",
            reader_id=reader.pk,
            created_at=opened,
            due_at=opened + dt.timedelta(days=30),
            final_diagnosis="病理证实" if recorded else "",
            source="pathology" if recorded else "",
            concordance=concordance if recorded else "",
            error=("missed" if rng.random() < 0.5 else "misdiagnosis")
            if recorded and concordance == "none"
            else "",
            recorded_by_id=reader.pk if recorded else None,
            recorded_at=opened + dt.timedelta(days=rng.uniform(3, 40)) if recorded else None,
        )

    def _lab(self, rng, exam_id, item, clock, sex, birth, ended, urgent) -> None:
        h, t = self.h, self.t
        lab_item, tests = h.panels.get(item.pk, (None, []))
        if lab_item is None:
            return
        tech = h.people(h.technologists, item.department_id, rng)
        collected = clock["started"] - dt.timedelta(minutes=rng.uniform(20, 60))
        received = collected + dt.timedelta(minutes=rng.uniform(10, 50))
        rejected = rng.random() < 0.012
        if rejected:  # the first tube was refused at reception; a second one was tested
            first = self._specimen(
                rng,
                exam_id,
                lab_item,
                collected,
                received,
                tech,
                status="rejected",
                rejection_reason=pick(
                    rng,
                    [
                        ("haemolysed", 0.4),
                        ("clotted", 0.3),
                        ("insufficient_volume", 0.2),
                        ("wrong_container", 0.1),
                    ],
                ),
            )
            collected, received = (
                received + dt.timedelta(minutes=30),
                received + dt.timedelta(minutes=55),
            )
        done = clock["completed"]
        status = "disposed" if ended and done else "tested" if done else "received"
        specimen = self._specimen(
            rng,
            exam_id,
            lab_item,
            collected,
            received,
            tech,
            status=status,
            recollection_of_id=first if rejected else None,
            disposed_at=done + dt.timedelta(days=7) if status == "disposed" else None,
        )
        if done is None:
            return
        age = (done.date() - birth).days // 365
        critical = None
        for test in tests:
            value, flag = self._value(rng, test, sex, age)
            t["LabResult"].add(
                id=self.ids.take(t["LabResult"]),
                exam_id=exam_id,
                specimen_id=specimen,
                test_id=test.pk,
                value=value,
                numeric=Decimal(value) if not test.qualitative else None,
                unit=test.unit,
                flag=flag,
                source="file",
                entered_at=done,
                entered_by_id=tech.pk,
                delta_failed=False,
            )
            if flag in ("LL", "HH") and critical is None:
                critical = f"{test.name} {value} {test.unit}"
        reviewer = h.people(h.seniors, item.department_id, rng)
        released = done + dt.timedelta(minutes=rng.uniform(5, 40 if urgent else 180))
        t["Exam"].rows[-1][t["Exam"].index["has_report"]] = True
        report_id = self.ids.take(t["LabReport"])
        signature = self._signature(reviewer, "lab_release", exam_id, released, on=h.exam_type)
        t["LabReport"].add(
            id=report_id,
            exam_id=exam_id,
            verified_by_id=reviewer.pk,
            released_at=released,
            signature_id=signature,
        )
        t["ExamEvent"].add(
            id=self.ids.take(t["ExamEvent"]),
            exam_id=exam_id,
            kind="report_final",
            at=released,
            actor_id=reviewer.user_id,
            data="{}",
        )
        if critical:
            self._critical(rng, exam_id, critical, tech, done)

    def _specimen(self, rng, exam_id, lab_item, collected, received, tech, **values) -> int:
        t = self.t["Specimen"]
        pk = self.ids.take(t)
        t.add(
            id=pk,
            barcode=f"G{pk:011d}",
            exam_id=exam_id,
            specimen_type=lab_item.specimen_type,
            container=lab_item.container,
            labelled_at=collected - dt.timedelta(minutes=5),
            collected_at=collected,
            collected_by_id=tech.pk,
            received_at=received,
            received_by_id=tech.pk,
            rejected_at=received if values.get("status") == "rejected" else None,
            rejected_by_id=tech.pk if values.get("status") == "rejected" else None,
            **values,
        )
        events = self.t["SpecimenEvent"]
        for kind, at in (("collected", collected), ("received", received)):
            events.add(id=self.ids.take(events), specimen_id=pk, kind=kind, at=at, by_id=tech.pk)
        return pk

    def _value(self, rng, test, sex: str, age: int) -> tuple[str, str]:
        if test.qualitative:
            return ("positive", "POS") if rng.random() < 0.08 else ("negative", "")
        low, high = Decimal(0), Decimal(100)
        for r in self.h.ranges.get(test.pk, []):
            if r.sex in ("", sex) and (r.age_from or 0) <= age < (r.age_to or 200):
                if r.low is not None and r.high is not None:
                    low, high = r.low, r.high
                break
        span = float(high - low) or 1.0
        u = rng.random()
        if u < 0.004 and test.critical_low is not None:
            value = float(test.critical_low) * rng.uniform(0.7, 0.98)
        elif u < 0.008 and test.critical_high is not None:
            value = float(test.critical_high) * rng.uniform(1.02, 1.3)
        else:
            value = rng.gauss(float(low) + span / 2, span / 3.2)
        value = max(value, 0.0)
        text = f"{value:.{test.decimals}f}"
        number = Decimal(text)
        if test.critical_low is not None and number < test.critical_low:
            return text, "LL"
        if test.critical_high is not None and number > test.critical_high:
            return text, "HH"
        return text, "L" if number < low else "H" if number > high else ""

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


def days_for(total: int, per_day: int, last: dt.date) -> Iterator[tuple[dt.date, int]]:
    """The days back from `last`, oldest first, and how many exams each gets: weekdays busier
    than weekends (1.12 against 0.7 of the daily volume), the total exact."""
    counts = []
    day, left = last, total
    while left > 0:
        share = 0.7 if day.weekday() >= 5 else 1.12
        n = min(left, max(1, round(per_day * share)))
        counts.append((day, n))
        left -= n
        day -= dt.timedelta(days=1)
    return reversed(counts)


def generate(
    exams: int,
    per_day: int = 1000,
    seed: int = 1,
    now: dt.datetime | None = None,
    batch_days: int = 7,
    progress: Callable[[Totals], None] | None = None,
    rebuild_indexes: bool = False,
    jobs: int = 1,
) -> Totals:
    """Add `exams` exams (and all that goes with them) ending today, `per_day` a day.

    The rows of each batch of days are written by a second thread while the next batch is
    made. On PostgreSQL `jobs` processes make consecutive stretches of the period at once, each
    in id ranges of its own (patients come back within a stretch). `rebuild_indexes` drops the
    non-unique indexes of the filled tables for the load and builds them again after it (one
    sort instead of millions of inserts): for a large load into a database nobody uses."""
    now = now or timezone.now()
    load_reference()
    hospital = Hospital()
    days = list(days_for(exams, per_day, timezone.localdate(now)))
    stretches = _split(days, jobs if connection.vendor == "postgresql" else 1)
    ids = Ids(written_models())
    starts, before = [], 0
    for stretch in stretches:
        starts.append(ids.after(before, hospital.rows_per_exam()))
        before += sum(n for _, n in stretch)
    started = time.perf_counter()
    dropped = _drop_indexes() if rebuild_indexes else []
    try:
        if len(stretches) == 1:
            totals = _make(seed, per_day, now, hospital, stretches[0], ids, batch_days, progress)
        else:
            totals = _in_processes(
                seed, per_day, now, hospital, stretches, starts, batch_days, progress
            )
    finally:
        _create_indexes(dropped)
    _after_load()
    totals.seconds = time.perf_counter() - started
    return totals


def _split(days: list[tuple[dt.date, int]], jobs: int) -> list[list[tuple[dt.date, int]]]:
    """Consecutive stretches of days with about the same number of exams each."""
    share = sum(n for _, n in days) / max(1, jobs)
    stretches: list[list] = [[]]
    done = 0
    for day, n in days:
        if done >= share * len(stretches) and len(stretches) < jobs:
            stretches.append([])
        stretches[-1].append((day, n))
        done += n
    return [s for s in stretches if s]


def _make(seed, per_day, now, hospital, days, ids, batch_days, progress) -> Totals:
    from yiji.core import policy

    generator = Generator(seed, per_day, hospital, now, ids)
    totals = Totals()
    with policy.batch(), _Writer(totals, time.perf_counter(), progress) as writer:
        pending = 0
        for day, count in days:
            generator.day(day, count)
            totals.days += 1
            pending += 1
            if pending == batch_days:
                writer.put(generator.take_rows())
                pending = 0
        if pending:
            writer.put(generator.take_rows())
    return totals


def _in_processes(seed, per_day, now, hospital, stretches, starts, batch_days, progress) -> Totals:
    """One forked process per stretch, each with its own connections; their totals summed."""
    import multiprocessing

    from django.db import connections

    context = multiprocessing.get_context("fork")
    results = context.Queue()

    def job(days, start):
        connections.close_all()  # the parent's, inherited: never used here
        try:
            ids = Ids(written_models(), start)
            totals = _make(seed, per_day, now, hospital, days, ids, batch_days, progress)
            results.put(("done", totals.days, totals.rows))
        except BaseException as error:  # reported by the parent
            results.put(("failed", repr(error), {}))
        finally:
            connections.close_all()

    connections.close_all()  # a forked child must not share the parent's sockets
    processes = [
        context.Process(target=job, args=(days, start), daemon=True)
        for days, start in zip(stretches, starts, strict=True)
    ]
    for process in processes:
        process.start()
    totals, failures, waiting = Totals(), [], len(processes)
    while waiting:
        try:
            outcome, days, rows = results.get(timeout=5)
        except queue.Empty:
            if not any(process.is_alive() for process in processes):
                failures.append("a job ended without reporting (killed?)")
                break
            continue
        waiting -= 1
        if outcome == "failed":
            failures.append(days)
            continue
        totals.days += days
        for table, n in rows.items():
            totals.rows[table] = totals.rows.get(table, 0) + n
    for process in processes:
        process.join()
    if failures:
        raise RuntimeError("a generating job failed: " + "; ".join(failures))
    return totals


class _Writer:
    """A thread with its own connection that writes each batch in one transaction, at most
    two batches behind the generator (to bound memory)."""

    def __init__(self, totals: Totals, started: float, progress):
        self.totals, self.started, self.progress = totals, started, progress
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="yiji-gen-writer", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def put(self, batch: list[tuple[Table, list]]) -> None:
        while self.thread.is_alive():
            try:
                self.queue.put(batch, timeout=0.5)
                return
            except queue.Full:
                continue
        self._raise()

    def __exit__(self, exc_type, *exc):
        self.queue.put(None) if self.thread.is_alive() else None
        self.thread.join()
        if exc_type is None:
            self._raise()

    def _raise(self) -> None:
        if self.failure is not None:
            raise self.failure

    def _run(self) -> None:
        try:
            with _bulk_session():
                while (batch := self.queue.get()) is not None:
                    with transaction.atomic():
                        written = write(batch)
                    for name, n in written.items():
                        self.totals.rows[name] = self.totals.rows.get(name, 0) + n
                    self.totals.seconds = time.perf_counter() - self.started
                    if self.progress:
                        self.progress(self.totals)
        except BaseException as error:  # handed to the generating thread
            self.failure = error
        finally:
            connection.close()


class _bulk_session:
    """For the load only: SQLite skips the fsync per batch (a crash mid-load loses the
    batches, never the database); PostgreSQL skips the per-row foreign-key triggers, the
    rows being consistent by construction."""

    def __enter__(self):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous = OFF")
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB for the index pages
            elif _is_superuser(cursor):
                cursor.execute("SET session_replication_role = replica")
        return self

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous = NORMAL")
            elif _is_superuser(cursor):
                cursor.execute("SET session_replication_role = DEFAULT")


def _is_superuser(cursor) -> bool:
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return bool(cursor.fetchone()[0])


def _drop_indexes() -> list[str]:
    """Drop the filled tables' non-unique indexes; return the statements that rebuild them."""
    tables = [model._meta.db_table for model in written_models()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                " AND tablename = ANY(%s) AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
                [tables],
            )
        else:
            marks = ", ".join("%s" for _ in tables)
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                f" AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({marks})",
                tables,
            )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _, definition in found]


def _create_indexes(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _after_load() -> None:
    """Sequences past the written ids, and fresh planner statistics."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in written_models():
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" coalesce((SELECT max(id) FROM {table}), 1))"
                )
            if not connection.in_atomic_block:
                cursor.execute("ANALYZE")
        else:
            cursor.execute("PRAGMA optimize")


def written_models() -> list[type[models.Model]]:
    """The tables the generator fills, parents before children."""
    from yiji.core.models import ElectronicSignature, Patient
    from yiji.equipment.models import Fault
    from yiji.exams.models import ExamRecord
    from yiji.lab.models import LabReport, LabResult, Specimen, SpecimenEvent
    from yiji.orders.models import Exam, ExamEvent, Requisition
    from yiji.quality.models import FilmGrade, FollowUp, RejectedImage
    from yiji.reports.models import CriticalResult, Report

    return [
        Patient, Requisition, Exam, ExamEvent, ElectronicSignature, Report, CriticalResult,
        FollowUp, ExamRecord, RejectedImage, FilmGrade, Specimen, SpecimenEvent, LabResult,
        LabReport, Fault,
    ]  # fmt: skip
