"""The navigation: each entry shows only to users who may do what it leads to."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yiji.core.permissions import Action, may


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    # Shown to users who may do any one of these.
    action: str | tuple[str, ...] | None = None


NAV: list[NavItem] = [
    NavItem("home", _("Workbench")),
    NavItem("worklist", _("Worklist"), Action.VIEW_PATIENT),
    NavItem("reading", _("Reading"), Action.WRITE_REPORT),
    NavItem("lab", _("Laboratory"), (Action.COLLECT_SPECIMEN, Action.PROCESS_SPECIMEN)),
    NavItem(
        "critical",
        _("Critical results"),
        (Action.WRITE_REPORT, Action.PROCESS_SPECIMEN, Action.READ_RESULTS),
    ),  # fmt: skip
    NavItem("windows", _("Windows"), Action.BOOK_EXAM),
    NavItem("tat", _("Turnaround"), Action.VIEW_QUALITY),
    NavItem("reading_sessions", _("Reading sessions"), Action.RUN_READING_SESSION),
    NavItem("film_quality", _("Film quality"), (Action.PERFORM_EXAM, Action.VIEW_QUALITY)),
    NavItem("follow_ups", _("Follow-up"), (Action.WRITE_REPORT, Action.VIEW_QUALITY)),
    NavItem("consultations", _("Consultations"), Action.WRITE_REPORT),
    NavItem("teaching", _("Teaching file"), Action.WRITE_REPORT),
    NavItem("results", _("Results"), Action.READ_RESULTS),
    NavItem("requisition_new", _("New requisition"), Action.ORDER_EXAM),
    NavItem("patients", _("Patients"), Action.VIEW_PATIENT),
    NavItem("catalogue", _("Exam catalogue"), Action.VIEW_RULES),
    NavItem("staff", _("Staff"), Action.VIEW_STAFF),
    NavItem("organisation", _("Organisation"), Action.VIEW_STAFF),
    NavItem("policy", _("Policy settings"), Action.VIEW_POLICY),
    NavItem("audit", _("Audit log"), Action.VIEW_AUDIT),
    NavItem("interfaces", _("Interfaces"), Action.MANAGE_INTERFACES),
    NavItem("archive", _("Image archive"), Action.REQUEST_LOAN),
    NavItem("backups", _("Backups"), Action.MANAGE_BACKUPS),
    NavItem("kpi", _("Quality indicators"), Action.VIEW_QUALITY),
    NavItem(
        "lab_indicators", _("Lab indicators"), (Action.VIEW_QUALITY, Action.RELEASE_LAB_RESULT)
    ),
    NavItem("assessments", _("Assessments"), Action.VIEW_QUALITY),
    NavItem("annual_summary", _("Annual summary"), Action.VIEW_QUALITY),
    NavItem("new_techniques", _("New techniques"), (Action.MANAGE_TRAINING, Action.VIEW_QUALITY)),
    NavItem("qc_inspections", _("QC inspections"), Action.VIEW_QUALITY),
    NavItem("devices", _("Equipment"), Action.REPORT_FAULT),
    NavItem("people", _("People and duty"), Action.VIEW_ROSTER),
    NavItem("incidents", _("Errors and accidents"), Action.REPORT_INCIDENT),
    NavItem("surveys", _("Satisfaction surveys"), Action.RECORD_SURVEY),
    NavItem("compliance", _("Compliance"), Action.VIEW_QUALITY),
    NavItem("rules", _("Rules"), Action.VIEW_RULES),
    NavItem("admin:index", _("Reference data"), Action.ADMIN_SITE),
]


def _actions(action: str | tuple[str, ...]) -> tuple[str, ...]:
    return action if isinstance(action, tuple) else (action,)


def items_for(user) -> list[dict]:
    return [
        {"url_name": item.url_name, "url": reverse(item.url_name), "label": item.label}
        for item in NAV
        if item.action is None or any(may(user, action) for action in _actions(item.action))
    ]
