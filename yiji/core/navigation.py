"""The navigation: each entry shows only to users who may do what it leads to."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yiji.core.permissions import Action, may, role_assignments


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    # Shown to users who may do any one of these.
    action: str | tuple[str, ...] | None = None
    # The menu it sits in (GROUPS); "" for a top-level link.
    group: str = ""


# At most eight menus, each role seeing only those with something for it (issue 27).
GROUPS = {
    "clinical": pgettext_lazy("menu", "Clinical work"),
    "quality": pgettext_lazy("menu", "Quality"),
    "equipment": pgettext_lazy("menu", "Equipment"),
    "people": pgettext_lazy("menu", "People"),
    "archive": pgettext_lazy("menu", "Archive"),
    "lab": pgettext_lazy("menu", "Laboratory"),
    "interfaces": pgettext_lazy("menu", "Interfaces"),
    "admin": pgettext_lazy("menu", "Administration"),
}


NAV: list[NavItem] = [
    NavItem("home", _("Workbench")),
    NavItem("desk", pgettext_lazy("page", "Registration desk"), Action.BOOK_EXAM, group="clinical"),
    NavItem("worklist", _("Worklist"), Action.VIEW_PATIENT, group="clinical"),
    NavItem("reading", _("Reading"), Action.WRITE_REPORT, group="clinical"),
    NavItem(
        "lab", _("Laboratory"), (Action.COLLECT_SPECIMEN, Action.PROCESS_SPECIMEN), group="lab"
    ),
    NavItem(
        "critical",
        _("Critical results"),
        (Action.WRITE_REPORT, Action.PROCESS_SPECIMEN, Action.READ_RESULTS),
        group="clinical",
    ),  # fmt: skip
    NavItem("windows", _("Windows"), Action.BOOK_EXAM, group="clinical"),
    NavItem("cockpit", _("Cockpit"), Action.VIEW_QUALITY, group="quality"),
    NavItem("tat", _("Turnaround"), Action.VIEW_QUALITY, group="quality"),
    NavItem(
        "reading_sessions", _("Reading sessions"), Action.RUN_READING_SESSION, group="clinical"
    ),
    NavItem(
        "film_quality",
        _("Film quality"),
        (Action.PERFORM_EXAM, Action.VIEW_QUALITY),
        group="quality",
    ),
    NavItem(
        "follow_ups", _("Follow-up"), (Action.WRITE_REPORT, Action.VIEW_QUALITY), group="clinical"
    ),
    NavItem("consultations", _("Consultations"), Action.WRITE_REPORT, group="clinical"),
    NavItem("teaching", _("Teaching file"), Action.WRITE_REPORT, group="archive"),
    NavItem("results", _("Results"), Action.READ_RESULTS, group="clinical"),
    NavItem("requisition_new", _("New requisition"), Action.ORDER_EXAM, group="clinical"),
    NavItem("patients", _("Patients"), Action.VIEW_PATIENT, group="clinical"),
    NavItem("catalogue", _("Exam catalogue"), Action.VIEW_RULES, group="admin"),
    NavItem("staff", _("Staff"), Action.VIEW_STAFF, group="admin"),
    NavItem("organisation", _("Organisation"), Action.VIEW_STAFF, group="admin"),
    NavItem("policy", _("Policy settings"), Action.VIEW_POLICY, group="admin"),
    NavItem("audit", _("Audit log"), Action.VIEW_AUDIT, group="admin"),
    NavItem("interfaces", _("Interfaces"), Action.MANAGE_INTERFACES, group="interfaces"),
    NavItem("image_studies", _("Studies to reconcile"), Action.PERFORM_EXAM, group="interfaces"),
    NavItem("archive", _("Image archive"), Action.REQUEST_LOAN, group="archive"),
    NavItem("backups", _("Backups"), Action.MANAGE_BACKUPS, group="archive"),
    NavItem("kpi", _("Quality indicators"), Action.VIEW_QUALITY, group="quality"),
    NavItem(
        "lab_indicators",
        _("Lab indicators"),
        (Action.VIEW_QUALITY, Action.RELEASE_LAB_RESULT),
        group="lab",
    ),
    NavItem("assessments", _("Assessments"), Action.VIEW_QUALITY, group="quality"),
    NavItem("annual_summary", _("Annual summary"), Action.VIEW_QUALITY, group="quality"),
    NavItem(
        "new_techniques",
        _("New techniques"),
        (Action.MANAGE_TRAINING, Action.VIEW_QUALITY),
        group="quality",
    ),
    NavItem("qc_inspections", _("QC inspections"), Action.VIEW_QUALITY, group="quality"),
    NavItem("devices", _("Equipment"), Action.REPORT_FAULT, group="equipment"),
    NavItem("people", _("People and duty"), Action.VIEW_ROSTER, group="people"),
    NavItem("incidents", _("Errors and accidents"), Action.REPORT_INCIDENT, group="quality"),
    NavItem("surveys", _("Satisfaction surveys"), Action.RECORD_SURVEY, group="quality"),
    NavItem("compliance", _("Compliance"), Action.VIEW_QUALITY, group="quality"),
    NavItem("rules", _("Rules"), Action.VIEW_RULES, group="admin"),
    NavItem("admin:index", _("Reference data"), Action.ADMIN_SITE, group="admin"),
]


def _actions(action: str | tuple[str, ...]) -> tuple[str, ...]:
    return action if isinstance(action, tuple) else (action,)


def items_for(user) -> list[dict]:
    """The entries the user may see. Whether a user may do an action, asked without an
    object, depends only on the roles they hold and whether hospital-wide
    (permissions.may), so the list is built once per such set of roles and kept: building
    it (30 permission checks and URL reversals) was 0.2 ms of every page. Callers
    read it and never change it."""
    held = frozenset((a.role, a.department_id is None) for a in role_assignments(user))
    items = _ITEMS_BY_ROLES.get(held)
    if items is None:
        items = _ITEMS_BY_ROLES[held] = [
            {
                "url_name": item.url_name,
                "url": reverse(item.url_name),
                "label": item.label,
                "group": item.group,
            }
            for item in NAV
            if item.action is None or any(may(user, action) for action in _actions(item.action))
        ]
    return items


_ITEMS_BY_ROLES: dict[frozenset, list[dict]] = {}


def menus_for(items: list[dict]) -> list[dict]:
    """The items grouped into menus, in GROUPS order; a menu of one item is a plain link."""
    menus = [{"key": "", "label": "", "items": [i for i in items if not i["group"]]}]
    for key, label in GROUPS.items():
        members = [i for i in items if i["group"] == key]
        if members:
            menus.append({"key": key, "label": label, "items": members})
    return menus
