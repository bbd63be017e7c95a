"""Report PDFs per second: Yiji's printed report (header table, findings, impression, both
signatures, addenda, page number, verification QR code) against the same findings and
impression as a bare ReportLab document in the same font, rendered in the same run.

    .venv/bin/python bench/pdf.py --reports 200      # on the database DATABASE_URL names

Run by bench/run.py on its benchmark database; the reports are the newest signed ones.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rates(count: int) -> tuple[float, float]:
    """(Yiji's PDFs per second, the bare document's), over the newest `count` signed reports."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from yiji.reports.document import BODY, report_pdf
    from yiji.reports.models import SIGNED_STATUSES, Report

    reports = list(
        Report.objects.filter(status__in=SIGNED_STATUSES)
        .select_related(
            "exam__patient",
            "exam__item",
            "exam__department",
            "exam__requisition__ordering_department",
            "author_signature",
            "reviewer_signature",
        )  # fmt: skip
        .order_by("-pk")[:count]
    )
    if not reports:
        sys.exit("no signed report to print: generate data first (yiji gen)")

    def ours(report):
        return report_pdf(report, "云州市第一人民医院", f"https://yiji.local/verify/{report.pk}")

    def bare(report):
        buffer = io.BytesIO()
        story = [Paragraph(report.findings, BODY), Paragraph(report.impression, BODY)]
        SimpleDocTemplate(buffer, pagesize=A4).build(story)
        return buffer.getvalue()

    out = []
    for render in (ours, bare):
        render(reports[0])  # fonts loaded once, as in a running server
        started = time.perf_counter()
        for report in reports:
            assert render(report).startswith(b"%PDF")
        out.append(len(reports) / (time.perf_counter() - started))
    return out[0], out[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiji.settings")
    import django

    django.setup()
    ours, bare = rates(args.reports)
    print(f"Yiji report PDF: {ours:.1f}/s; bare ReportLab document: {bare:.1f}/s")


if __name__ == "__main__":
    main()
