"""The clinician's results page: the released imaging reports and the lab reports of their
patients, side by side, newest first (lab stands on reports, so the page lives here)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yiji.core.permissions import Action
from yiji.core.views import newest_first_page, requires
from yiji.lab.results import reports_for_clinician
from yiji.reports.services import results_for_clinician

RESULTS_PAGE = 50  # reports and lab results each

# A results list row needs neither the report's text nor the requisition's.
RESULT_LIST_COLUMNS = (
    "status", "released_at", "final_at", "preliminary_at", "exam__patient__name",
    "exam__item__name", "exam__item__name_en", "exam__requisition__id",
)  # fmt: skip
LAB_LIST_COLUMNS = (
    "released_at", "exam__patient__name", "exam__item__name", "exam__item__name_en",
    "verified_by__name",
)  # fmt: skip


@requires(Action.READ_RESULTS)
def results(request: HttpRequest) -> HttpResponse:
    rows, older = newest_first_page(
        results_for_clinician(request.user).only(*RESULT_LIST_COLUMNS),
        request.GET.get("before", ""),
        RESULTS_PAGE,
        "released_at",
    )
    lab, lab_older = newest_first_page(
        reports_for_clinician(request.user).only(*LAB_LIST_COLUMNS),
        request.GET.get("lab_before", ""),
        RESULTS_PAGE,
        "released_at",
    )
    context = {"rows": rows, "lab": lab, "older": older, "lab_older": lab_older}
    return render(request, "reports/results.html", context)
