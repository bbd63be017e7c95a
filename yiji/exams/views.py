"""The exam-room panel on the exam page: technique, start, record, accept, complete."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiji.core.permissions import Action, may
from yiji.core.rulebook import RuleViolation
from yiji.core.views import requires, show_refusal
from yiji.equipment.models import Device, DeviceStatus
from yiji.exams import services
from yiji.exams.forms import record_form_for
from yiji.exams.models import ExamRecord
from yiji.orders.models import Exam, ExamStatus


def exam_room_context(request: HttpRequest, exam: Exam) -> dict:
    record = ExamRecord.objects.filter(exam=exam).first() or ExamRecord(exam=exam)
    return {
        "record": record,
        "record_form": record_form_for(exam.item, instance=record),
        "can_perform": may(request.user, Action.PERFORM_EXAM),
        "disinfection": services.pending_disinfection(exam.room) if exam.room else None,
        "turnaround": services.turnaround(exam) if exam.status == ExamStatus.COMPLETED else None,
        # EQP-3: the device in this room can be reported faulty from the exam screen.
        "devices": Device.objects.filter(room=exam.room).exclude(status=DeviceStatus.RETIRED)
        if exam.room_id and may(request.user, Action.REPORT_FAULT)
        else [],
    }


@require_POST
@requires(Action.PERFORM_EXAM)
def act(request: HttpRequest, pk: int) -> HttpResponse:
    exam = get_object_or_404(Exam, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "technique":
            services.confirm_technique(request.user, exam, request.POST.get("protocol", ""))
        elif action == "present":
            services.confirm_physician_present(request.user, exam)
        elif action == "start":
            services.start_exam(request.user, exam)
        elif action == "record":
            form = record_form_for(exam.item, request.POST)
            if not form.is_valid():
                for field, errors in form.errors.items():
                    messages.error(
                        request,
                        f"{form.fields[field].label}: {' '.join(errors)}"
                        if field in form.fields
                        else " ".join(errors),
                    )
                return redirect("exam", pk=pk)
            services.record_details(request.user, exam, form.cleaned_data)
        elif action == "accept":
            services.accept_images(request.user, exam)
        elif action == "complete":
            services.complete_exam(request.user, exam)
        elif action == "discontinue":
            services.discontinue_exam(request.user, exam, request.POST.get("reason", ""))
        else:
            messages.error(request, _("Unknown action."))
            return redirect("exam", pk=pk)
    except RuleViolation as violation:
        show_refusal(request, violation)
    else:
        messages.success(request, _("Saved."))
    return redirect("exam", pk=pk)
