"""What a completed imaging exam (radiography, CT, MR, ultrasound, ECG) leaves behind, as a
mixin of `Generator`: the technique and dose record, rejected images and the film-grading
sample, the report at the status its age allows with its signatures and exam event, and the
critical results and follow-ups of positive reports. It writes through the generator's
`t`, `ids`, `h` and `now`, and its `_signature` and `_critical`."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

from yiji.exams.models import AsepticItem
from yiji.site.gen.vocabulary import (
    FINDINGS,
    REJECT_REASONS,
    REJECTING,
    REPORTS_ENDED,
    REPORTS_TODAY,
    REPORTS_YESTERDAY,
    XRAY_DOSE,
    pick,
)

ASEPTIC = list(AsepticItem.values)


class ImagingRows:
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
            # EXM-9: an interventional procedure's aseptic checklist, done before it started.
            aseptic_checklist=json.dumps(ASEPTIC if modality == "DSA" else []),
            aseptic_checked_by_id=performer.pk if modality == "DSA" else None,
            aseptic_checked_at=clock["started"] if modality == "DSA" else None,
            **values,
        )

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
