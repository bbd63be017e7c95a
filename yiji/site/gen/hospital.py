"""The reference data the generated exams are spread over: `load_reference` loads the demo
hospital (departments, staff, rooms, catalogue, devices, lab tests) and `Hospital` reads it
once into plain lists by modality and department, with the staff as light `Person` values
that `Hospital.people` draws from."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from yiji.site.gen.tables import written_models
from yiji.site.gen.vocabulary import MIX


@dataclass(frozen=True, slots=True)
class Person:
    pk: int
    user_id: int
    name: str
    physician_title: int | None


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
    from yiji.core.models import Department, DepartmentKind
    from yiji.lab import catalogue as lab_catalogue
    from yiji.lab.models import LabTest
    from yiji.orders.catalogue import load_demo_catalogue
    from yiji.site.demo import equipment as equipment_demo
    from yiji.site.demo import hospital as demo

    demo.load()
    load_demo_catalogue()
    equipment_demo.load()
    lab = Department.objects.filter(kind=DepartmentKind.LAB).first()
    if lab is not None and not LabTest.objects.exists():
        lab_catalogue.load(lab)
