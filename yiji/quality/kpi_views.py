"""The quality indicator pages (QLT-4): every indicator for a period with its target, one
indicator grouped by department, group, person, device, modality, item or period as a chart
with the numbers beside it, the records behind any figure, and the Excel downloads."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from yiji.core.models import Department
from yiji.core.permissions import Action
from yiji.core.routing import reads_from_replica
from yiji.core.spreadsheet import append_row
from yiji.core.views import requested_period, requires, xlsx_response
from yiji.equipment import services as equipment
from yiji.orders.models import Modality
from yiji.quality import kpi, rollup
from yiji.reports.revisions import revision_rates

GROUPING_LABELS = {
    "department": gettext_lazy("Department"),
    "group": gettext_lazy("Group"),
    "person": gettext_lazy("Person"),
    "device": gettext_lazy("Device"),
    "modality": gettext_lazy("Modality"),
    "item": gettext_lazy("Exam item"),
    "day": gettext_lazy("Day"),
    "week": gettext_lazy("Week"),
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
}
PARTS = ("numerator", "denominator", "missing")


def _scope(request: HttpRequest) -> dict:
    """The filters every indicator page shares: period, department, modality."""
    first, last = requested_period(request)
    departments = Department.objects.medtech()
    chosen = request.GET.get("department", "")
    department = next((d for d in departments if str(d.pk) == chosen), None)
    modality = request.GET.get("modality", "")
    return {
        "first": first,
        "last": last,
        "department": department,
        "departments": departments,
        "modality": modality if modality in Modality.values else "",
        "modalities": Modality.choices,
    }


def _indicator(code: str) -> kpi.Indicator:
    try:
        return kpi.BY_CODE[code]
    except KeyError:
        raise Http404(code) from None


def _shown(indicator: kpi.Indicator, value: float | None) -> str:
    if value is None:
        return "—"
    if indicator.kind == kpi.Kind.RATE:
        return f"{value:.1f}%"
    if indicator.kind == kpi.Kind.PERMILLE:
        return f"{value:.2f}‰"
    if indicator.kind == kpi.Kind.COUNT:
        return f"{value:.0f}"
    return f"{value:.1f}"


@requires(Action.VIEW_QUALITY)
@reads_from_replica
def summary(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    rows = [
        {
            "indicator": indicator,
            "figure": figure,
            "shown": _shown(indicator, figure.value),
            "target": target,
            "met": met,
        }
        for indicator, figure, target, met in kpi.summary(
            scope["first"], scope["last"], scope["department"], scope["modality"]
        )
    ]
    devices = equipment.period_rates(  # EQP-6 beside the indicators
        scope["first"], scope["last"], scope["department"], scope["modality"]
    )
    if request.GET.get("format") == "xlsx":
        return _summary_workbook(scope, rows)
    context = {**scope, "rows": rows, "devices": devices, "rollup": rollup.state()}
    return render(request, "quality/kpi.html", context)


def _summary_workbook(scope: dict, rows: list[dict]) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = "指标"
    append_row(sheet, [f"质量指标 {scope['first']} 至 {scope['last']}"])
    append_row(sheet, ["指标集", "版本", "代码", "指标", "分子", "分母", "结果", "目标", "达标"])
    for row in rows:
        indicator, figure = row["indicator"], row["figure"]
        name, version = indicator.indicator_set
        append_row(sheet,
            [name, version, indicator.code, indicator.name_zh, figure.numerator,
             figure.denominator, figure.value, None if row["target"] is None
             else float(row["target"]), {True: "是", False: "否"}.get(row["met"], "")]
        )  # fmt: skip
    return xlsx_response(book, f"kpi-{scope['first']}-{scope['last']}.xlsx")


@requires(Action.VIEW_QUALITY)
@reads_from_replica
def detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _indicator(code)
    scope = _scope(request)
    groupings = indicator.groupings()
    by = request.GET.get("by", "")
    by = by if by in groupings else "month"
    figures = kpi.compute(
        indicator, scope["first"], scope["last"], by, scope["department"], scope["modality"]
    )
    whole = kpi.total(
        indicator, scope["first"], scope["last"], scope["department"], scope["modality"]
    )
    target = indicator.target(scope["department"])
    if request.GET.get("format") == "xlsx":
        return _detail_workbook(indicator, scope, by, figures)
    chart = {
        "labels": [f.label for f in figures],
        "values": [f.value for f in figures],
        "target": None if target is None else float(target),
        "unit": {"rate": "%", "permille": "‰"}.get(indicator.kind, ""),
    }
    return render(
        request,
        "quality/kpi_detail.html",
        {
            **scope,
            "indicator": indicator,
            "by": by,
            "groupings": [(g, GROUPING_LABELS[g]) for g in groupings],
            "rows": [(f, _shown(indicator, f.value), _key(f.key)) for f in figures],
            "whole": whole,
            "whole_shown": _shown(indicator, whole.value),
            "target": target,
            "chart": chart,
            "has_numerator": indicator.numerator is not None or indicator.extra_numerator,
        },
    )


def _key(key) -> str:
    """A group's key as the drill-down link carries it."""
    return "" if key is None else (key.isoformat() if hasattr(key, "isoformat") else str(key))


def _detail_workbook(indicator, scope: dict, by: str, figures) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = indicator.code
    name, version = indicator.indicator_set
    append_row(sheet, [f"{indicator.code} {indicator.name_zh}（{name} {version}）"])
    append_row(sheet, [f"{scope['first']} 至 {scope['last']}", str(indicator.definition)])
    append_row(sheet, [str(GROUPING_LABELS[by]), "分子", "分母", "结果"])
    for figure in figures:
        append_row(sheet, [figure.label, figure.numerator, figure.denominator, figure.value])
    return xlsx_response(book, f"kpi-{indicator.code}-{by}-{scope['first']}-{scope['last']}.xlsx")


@requires(Action.VIEW_QUALITY)
def records(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _indicator(code)
    scope = _scope(request)
    by = request.GET.get("by", "")
    part = request.GET.get("part", "")
    part = part if part in PARTS else "numerator"
    try:
        rows = kpi.records(
            indicator,
            scope["first"],
            scope["last"],
            by=by if by in indicator.groupings() else "",
            key=request.GET.get("key", ""),
            part=part,
            department=scope["department"],
            modality=scope["modality"],
        )
        rows = kpi.related(rows)
    except ValueError:  # a period key that is not a date: nothing behind it
        rows = []
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/kpi_records.html",
        {
            **scope,
            "indicator": indicator,
            "part": part,
            "parts": [
                ("numerator", _("In the numerator")),
                ("denominator", _("All counted")),
                ("missing", _("Counted but not in the numerator")),
            ],
            "page": page,
            "lines": [kpi.describe(row) for row in page],
        },
    )


@requires(Action.VIEW_QUALITY)
@reads_from_replica
def revisions(request: HttpRequest) -> HttpResponse:
    """How much reviewers change each author's reports: revised share and sent back, per
    author (trainees marked), with a chart and the numbers beside it."""
    scope = _scope(request)
    rows = revision_rates(scope["first"], scope["last"], scope["department"])
    chart = {"names": [r.author.name for r in rows], "rates": [r.rate for r in rows]}
    return render(request, "quality/revisions.html", {**scope, "rows": rows, "chart": chart})
