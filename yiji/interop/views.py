"""The interface pages: the monitor, inbound messages (fix a mapping, reprocess), the
outbound delivery log (resend), and the modality steps made without a worklist entry
(reconcile)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiji.core import audit
from yiji.core.models import AuditAction
from yiji.core.permissions import Action
from yiji.core.rulebook import RuleViolation
from yiji.core.views import form_pk, requires, show_refusal
from yiji.images import availability, pacs
from yiji.images.models import Problem, Study
from yiji.interop import monitor
from yiji.interop.accounts import interface_user
from yiji.interop.dicom import unscheduled as unscheduled_steps
from yiji.interop.forms import MappingForm
from yiji.interop.hl7 import inbound, outbound, reference
from yiji.interop.models import (
    Delivery,
    Endpoint,
    InboundMessage,
    OutboundMessage,
    Outcome,
    PerformedStep,
)
from yiji.orders.models import Exam


@requires(Action.MANAGE_INTERFACES)
def overview(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    chart = monitor.hourly(now)
    return render(
        request,
        "interop/monitor.html",
        {
            "inbound": monitor.inbound(now),
            "outbound": monitor.outbound(now),
            "results": monitor.result_delivery(now),
            "dicom": monitor.dicom(now),
            "missing_triggers": reference.missing_triggers(),
            "archive": availability.archive_state(),
            "archive_url": pacs.dicomweb_url() or settings.YIJI_PACS_DIMSE,
            "studies_to_reconcile": Study.objects.filter(
                problem__in=[Problem.UNKNOWN_ACCESSION, Problem.OTHER_PATIENT]
            ).count(),
            "chart": chart,
            "traffic": list(
                zip(chart["hours"], chart["received"], chart["failed"], chart["sent"], strict=True)
            ),
        },
    )


@requires(Action.MANAGE_INTERFACES)
def inbound_list(request: HttpRequest) -> HttpResponse:
    shown = request.GET.get("show", "failed")
    rows = InboundMessage.objects.defer("raw", "ack")
    if shown == "failed":
        rows = rows.exclude(outcome=Outcome.ACCEPTED).filter(resolved_at=None)
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(control_id=query) | rows.filter(message_type=query.upper())
    page = Paginator(rows.order_by("-received_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(request, "interop/inbound.html", {"page": page, "show": shown, "q": query})


@requires(Action.MANAGE_INTERFACES)
def inbound_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(InboundMessage, pk=pk)
    form = MappingForm(request.POST or None, message=message)
    if request.method == "POST" and form.is_valid():
        mapping = form.save()
        audit.record(request.user, AuditAction.CREATE, mapping, after=form.cleaned_data)
        return _reprocess(request, message)
    return render(request, "interop/inbound_detail.html", {"message": message, "form": form})


@require_POST
@requires(Action.MANAGE_INTERFACES)
def inbound_reprocess(request: HttpRequest, pk: int) -> HttpResponse:
    return _reprocess(request, get_object_or_404(InboundMessage, pk=pk))


def _reprocess(request: HttpRequest, message: InboundMessage) -> HttpResponse:
    account = interface_user("hl7")
    message = inbound.reprocess(account, message)
    audit.record(
        request.user,
        AuditAction.UPDATE,
        message,
        after={"outcome": message.outcome},
        reason="reprocess",
    )
    if message.outcome == Outcome.ACCEPTED:
        messages.success(request, _("The message was applied."))
    else:
        messages.error(request, _("The message failed again: %(error)s") % {"error": message.error})
    return redirect("interface_inbound_detail", pk=message.pk)


@require_POST
@requires(Action.MANAGE_INTERFACES)
def restore_reference_triggers(request: HttpRequest) -> HttpResponse:
    if reference.restore_triggers(request.user):
        messages.success(
            request, _("The triggers were created again: the HL7 listener keeps its reference "
                       "data in memory again within a minute.")
        )  # fmt: skip
    else:
        messages.info(request, _("Every trigger was already there."))
    return redirect("interfaces")


@requires(Action.MANAGE_INTERFACES)
def outbound_list(request: HttpRequest) -> HttpResponse:
    rows = OutboundMessage.objects.select_related("endpoint", "patient", "exam")
    state = request.GET.get("state", "")
    if state in Delivery.values:
        rows = rows.filter(state=state)
    endpoint = request.GET.get("endpoint", "")
    if endpoint.isdigit():
        rows = rows.filter(endpoint_id=int(endpoint))
    page = Paginator(rows.order_by("-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "interop/outbound.html",
        {
            "page": page,
            "state": state,
            "endpoint": endpoint,
            "states": Delivery.choices,
            "endpoints": Endpoint.objects.order_by("name"),
        },
    )


@require_POST
@requires(Action.MANAGE_INTERFACES)
def outbound_resend(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboundMessage, pk=pk)
    outbound.resend(message)
    audit.record(request.user, AuditAction.UPDATE, message, reason="resend")
    messages.success(request, _("The message is queued to be sent again."))
    return redirect("interface_outbound")


@requires(Action.PERFORM_EXAM)
def unscheduled(request: HttpRequest) -> HttpResponse:
    """MPPS steps made without a worklist entry, each with the orders it may belong to."""
    page = Paginator(unscheduled_steps.waiting(), 20).get_page(request.GET.get("page"))
    rows = [(step, unscheduled_steps.candidates(step)) for step in page]
    return render(request, "interop/unscheduled.html", {"page": page, "rows": rows})


@require_POST
@requires(Action.PERFORM_EXAM)
def unscheduled_reconcile(request: HttpRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(PerformedStep, pk=pk)
    exam = get_object_or_404(Exam, pk=form_pk(request.POST.get("exam")))
    try:
        unscheduled_steps.reconcile(request.user, step, exam)
    except RuleViolation as violation:
        show_refusal(request, violation)
        return redirect("interface_unscheduled")
    messages.success(request, _("The modality's exam was matched to its order."))
    return redirect("exam", pk=exam.pk)
