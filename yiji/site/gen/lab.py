"""What a lab panel leaves behind, as a mixin of `Generator`: the specimen (and the refused
first tube of a few) with its collection and reception events, one result per test of the
panel drawn around the reference range with its flag, the released report with the
reviewer's signature, and a critical result for a critical value. It writes through the
generator's `t`, `ids` and `h`, and its `_signature` and `_critical`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from yiji.site.gen.vocabulary import pick


class LabRows:
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
