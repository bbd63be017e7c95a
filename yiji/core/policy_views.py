"""The governance pages: the rulebook, policy settings, the holiday calendar and the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from yiji.core import accounts, calendar, policy, rulebook
from yiji.core.forms import CalendarDayForm, PolicyChangeForm
from yiji.core.models import AuditAction, AuditEntry, CalendarDay, Department
from yiji.core.permissions import Action, may, require
from yiji.core.policy_types import GROUP_LABELS, SettingError, display_value
from yiji.core.views import requires


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_RULES)
    chapter = request.GET.get("chapter", "")
    status = request.GET.get("status", "")
    rows = rulebook.statuses()
    if chapter:
        rows = [r for r in rows if r.rule.chapter == chapter]
    if status in ("implemented", "planned"):
        rows = [r for r in rows if r.status == status]
    all_rows = rulebook.statuses()
    return render(
        request,
        "core/rules.html",
        {
            "rows": rows,
            "chapters": rulebook.CHAPTERS,
            "chapter": chapter,
            "status": status,
            "sources": rulebook.SOURCES,
            "implemented": sum(r.implemented for r in all_rows),
            "total": len(all_rows),
        },
    )


@requires(Action.VIEW_POLICY)
def policy_list(request: HttpRequest) -> HttpResponse:
    hospital = policy.current_hospital()
    stored = policy.stored_values(hospital) if hospital else {}
    group = request.GET.get("group", "")
    settings = [s for s in policy.catalogue().values() if not group or s.group == group]
    rows = [
        {
            "setting": s,
            "value": display_value(s, s.parse(stored.get((s.key, None), s.default))),
            "default": display_value(s, s.parse(s.default)),
            "changed": (s.key, None) in stored,
            "department_values": [
                (dept_id, v) for (key, dept_id), v in stored.items() if key == s.key and dept_id
            ],
        }
        for s in settings
    ]
    used = {s.group for s in policy.catalogue().values()}
    groups = [(key, label) for key, label in GROUP_LABELS.items() if key in used]
    return render(
        request, "core/policy_list.html", {"rows": rows, "groups": groups, "group": group}
    )


@requires(Action.VIEW_POLICY)
def policy_edit(request: HttpRequest, key: str) -> HttpResponse:
    try:
        spec = policy.setting(key)
    except SettingError:
        return render(request, "core/not_found.html", status=404)
    hospital = policy.current_hospital()
    departments = Department.objects.filter(kind__in=["imaging", "ultrasound", "ecg", "lab"])
    department = None
    if spec.per_department and request.GET.get("department"):
        department = get_object_or_404(departments, pk=request.GET["department"])
    require(request.user, Action.EDIT_POLICY, department)
    current = policy.value(key, department=department, hospital=hospital)
    form = PolicyChangeForm(
        spec,
        request.POST or None,
        initial={"value": current.strftime("%H:%M") if hasattr(current, "strftime") else current},
    )
    if request.method == "POST" and form.is_valid():
        try:
            accounts.sign(request.user, form.cleaned_data["signature"], f"policy {key}")
            policy.change(
                request.user,
                key,
                form.cleaned_data["value"],
                hospital=hospital,
                department=department,
                reason=form.cleaned_data["reason"],
            )
        except accounts.SignatureRefused as exc:
            form.add_error("signature", str(exc))
        except SettingError as exc:
            form.add_error("value", str(exc))
        else:
            messages.success(request, _("Setting saved."))
            return redirect(reverse("policy") + f"?group={spec.group}")
    return render(
        request,
        "core/policy_edit.html",
        {
            "setting": spec,
            "form": form,
            "current": display_value(spec, current),
            "default": display_value(spec, spec.parse(spec.default)),
            "department": department,
            "departments": departments if spec.per_department else [],
            "history": AuditEntry.objects.filter(
                action=AuditAction.SETTING, object_id__startswith=key
            ).order_by("-seq")[:20],
        },
    )


@requires(Action.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.select_related("actor").order_by("-seq")
    action = request.GET.get("action", "")
    actor = request.GET.get("actor", "").strip()
    patient_id = request.GET.get("patient", "").strip()
    if action in AuditAction.values:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(actor__username=actor)
    if patient_id:
        entries = entries.filter(patient__patient_id=patient_id)
    before = request.GET.get("before", "")
    if before.isdigit():
        entries = entries.filter(seq__lt=int(before))
    rows = list(entries[:50])
    return render(
        request,
        "core/audit.html",
        {
            "rows": rows,
            "actions": AuditAction.choices,
            "action": action,
            "actor": actor,
            "patient": patient_id,
            "next_before": rows[-1].seq if len(rows) == 50 else None,
        },
    )


@requires(Action.VIEW_POLICY)
def holiday_calendar(request: HttpRequest, year: int) -> HttpResponse:
    """The year's public holidays and adjusted working days (CNF-1, RPT-4)."""
    form = CalendarDayForm()
    if request.method == "POST":
        if request.POST.get("action") == "clear":
            day = parse_date(request.POST.get("day", ""))
            if day:
                calendar.clear_day(request.user, day)
            return redirect("holiday_calendar", year=year)
        form = CalendarDayForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            calendar.set_day(request.user, data["day"], data["kind"], data["name"])
            messages.success(request, _("Saved."))
            return redirect("holiday_calendar", year=data["day"].year)
    days = CalendarDay.objects.filter(day__year=year)
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "days": days,
            "form": form,
            "can_edit": may(request.user, Action.EDIT_CALENDAR),
        },
    )
