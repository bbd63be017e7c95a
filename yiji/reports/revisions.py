"""How much the reviewers change each author's reports (issue 26): per author over a period,
the share of reviewed reports whose text the reviewer changed materially, and how many were
sent back. A teaching signal for trainees, read from the report versions Yiji keeps."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from django.db.models import Q

from yiji.core.calendar import day_bounds
from yiji.core.models import Staff
from yiji.reports.models import Report, ReportStatus, ReportVersion

# Below this similarity between what the author signed and what was released, the reviewer
# rewrote, not merely corrected a character or two.
MATERIAL = 0.9


@dataclass
class Revisions:
    author: Staff
    reviewed: int = 0
    revised: int = 0
    sent_back: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.revised / self.reviewed, 1) if self.reviewed else None


def _material(signed: ReportVersion, report: Report) -> bool:
    before = f"{signed.findings}\n{signed.impression}"
    after = f"{report.findings}\n{report.impression}"
    return difflib.SequenceMatcher(a=before, b=after, autojunk=False).ratio() < MATERIAL


def revision_rates(first: dt.date, last: dt.date, department=None) -> list[Revisions]:
    """Each author's reviewed reports released in the period: revised and sent back."""
    start, end = day_bounds(first, last)
    reports = Report.objects.filter(
        status__in=[ReportStatus.FINAL, ReportStatus.AMENDED],
        reviewer__isnull=False,
        final_at__gte=start,
        final_at__lt=end,
    ).select_related("author")
    if department is not None:
        reports = reports.filter(exam__department=department)
    reports = list(reports)
    signed: dict[int, ReportVersion] = {}
    sent_back: dict[int, int] = {}
    versions = ReportVersion.objects.filter(report__in=[r.pk for r in reports]).filter(
        Q(status=ReportStatus.SUBMITTED) | Q(status=ReportStatus.DRAFT)
    ).select_related("report__author").order_by("number")  # fmt: skip
    previous: dict[int, str] = {}
    for version in versions:
        author_user = version.report.author.user_id
        if version.status == ReportStatus.SUBMITTED and version.saved_by_id == author_user:
            signed[version.report_id] = version  # the last one the author signed
        elif (
            version.status == ReportStatus.DRAFT
            and previous.get(version.report_id) == ReportStatus.SUBMITTED
        ):  # a draft again after a submission: sent back
            sent_back[version.report_id] = sent_back.get(version.report_id, 0) + 1
        previous[version.report_id] = version.status
    rows: dict[int, Revisions] = {}
    for report in reports:
        row = rows.setdefault(report.author_id, Revisions(report.author))
        row.reviewed += 1
        if report.pk in signed and _material(signed[report.pk], report):
            row.revised += 1
        row.sent_back += 1 if sent_back.get(report.pk) else 0
    return sorted(rows.values(), key=lambda r: (-(r.rate or 0), r.author.name))


def trainee_figures(staff_ids: list[int], first: dt.date, last: dt.date) -> dict[int, list]:
    """The revision rate of each trainee's reports, for their training plan (people)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    url = f"{reverse('revisions')}?from={first:%Y-%m-%d}&to={last:%Y-%m-%d}"
    wanted = set(staff_ids)
    return {
        row.author.pk: [(_("Revision rate"), f"{row.rate}% ({row.revised}/{row.reviewed})", url)]
        for row in revision_rates(first, last)
        if row.author.pk in wanted and row.rate is not None
    }
