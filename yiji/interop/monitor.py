"""The interface monitor's figures, counted in the database: per HL7 sender, per outbound
endpoint and per modality AE title, with the hourly traffic of the last day."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone

from yiji.core.rulebook import carries_out
from yiji.interop.models import (
    Delivery,
    DicomAssociation,
    Endpoint,
    InboundMessage,
    OutboundMessage,
    Outcome,
)

FAILED = Q(outcome__in=[Outcome.ERROR, Outcome.REJECTED])


@dataclass
class Line:
    name: str
    last_hour: int
    last_day: int
    failures: int
    waiting: int
    last_seen: dt.datetime | None
    last_error: str


def _last_error(queryset, field: str) -> str:
    row = queryset.exclude(**{field: ""}).order_by("-pk").values_list(field, flat=True).first()
    return row or ""


def inbound(now: dt.datetime) -> list[Line]:
    day = InboundMessage.objects.filter(received_at__gte=now - dt.timedelta(days=1))
    rows = day.values("sending_application").annotate(
        last_day=Count("pk"),
        last_hour=Count("pk", filter=Q(received_at__gte=now - dt.timedelta(hours=1))),
        failures=Count("pk", filter=FAILED),
        waiting=Count("pk", filter=FAILED & Q(resolved_at=None)),
        last_seen=Max("received_at"),
    )
    return [
        Line(
            row["sending_application"] or "?",
            row["last_hour"],
            row["last_day"],
            row["failures"],
            row["waiting"],
            row["last_seen"],
            _last_error(day.filter(sending_application=row["sending_application"]), "error"),
        )
        for row in rows.order_by("sending_application")
    ]


def outbound(now: dt.datetime) -> list[Line]:
    lines = []
    for endpoint in Endpoint.objects.order_by("name"):
        messages = OutboundMessage.objects.filter(endpoint=endpoint)
        sent = messages.filter(state=Delivery.SENT)
        lines.append(
            Line(
                f"{endpoint.name} ({endpoint.host}:{endpoint.port})",
                sent.filter(sent_at__gte=now - dt.timedelta(hours=1)).count(),
                sent.filter(sent_at__gte=now - dt.timedelta(days=1)).count(),
                messages.filter(state=Delivery.FAILED).count(),
                messages.exclude(state=Delivery.SENT).count(),
                sent.aggregate(last=Max("sent_at"))["last"],
                _last_error(messages.exclude(state=Delivery.SENT), "last_error"),
            )
        )
    return lines


@dataclass
class ResultDelivery:
    """RPT-11: how long released results took to reach one endpoint over the last day, and
    how long the oldest undelivered one has been waiting."""

    name: str
    delivered: int
    median_seconds: float | None
    p95_seconds: float | None
    max_seconds: float | None
    waiting: int
    oldest_waiting_seconds: float | None


@carries_out("RPT-11")
def result_delivery(now: dt.datetime) -> list[ResultDelivery]:
    lines = []
    for endpoint in Endpoint.objects.filter(send_results=True).order_by("name"):
        results = OutboundMessage.objects.filter(endpoint=endpoint, message_type="ORU^R01")
        sent = results.filter(state=Delivery.SENT, sent_at__gte=now - dt.timedelta(days=1))
        lags = sorted(
            max((sent_at - due_at).total_seconds(), 0.0)
            for due_at, sent_at in sent.values_list("due_at", "sent_at")
        )
        due = results.exclude(state=Delivery.SENT).filter(due_at__lte=now)
        oldest = due.aggregate(oldest=Min("due_at"))["oldest"]
        lines.append(
            ResultDelivery(
                endpoint.name,
                len(lags),
                statistics.median(lags) if lags else None,
                lags[min(len(lags) - 1, int(len(lags) * 0.95))] if lags else None,
                lags[-1] if lags else None,
                due.count(),
                (now - oldest).total_seconds() if oldest else None,
            )
        )
    return lines


def dicom(now: dt.datetime) -> list[Line]:
    day = DicomAssociation.objects.filter(started_at__gte=now - dt.timedelta(days=1))
    rows = day.values("calling_ae").annotate(
        last_day=Sum("requests"),
        last_hour=Sum("requests", filter=Q(started_at__gte=now - dt.timedelta(hours=1))),
        failures=Sum("failures") + Count("pk", filter=Q(refused=True)),
        last_seen=Max("started_at"),
    )
    return [
        Line(
            row["calling_ae"] or "?",
            row["last_hour"] or 0,
            row["last_day"] or 0,
            row["failures"] or 0,
            0,
            row["last_seen"],
            _last_error(day.filter(calling_ae=row["calling_ae"]), "last_error"),
        )
        for row in rows.order_by("calling_ae")
    ]


def hourly(now: dt.datetime) -> dict[str, list]:
    """Messages per hour over the last 24 hours: received, failed, sent."""
    start = (now - dt.timedelta(hours=23)).replace(minute=0, second=0, microsecond=0)
    hours = [start + dt.timedelta(hours=n) for n in range(24)]
    zone = timezone.get_current_timezone()

    def counts(queryset, field, extra: Q | None = None):
        rows = (
            queryset.filter(extra or Q(), **{f"{field}__gte": start})
            .annotate(hour=TruncHour(field, tzinfo=zone))
            .values("hour")
            .annotate(n=Count("pk"))
        )
        found = {timezone.localtime(row["hour"]).replace(tzinfo=None): row["n"] for row in rows}
        return [found.get(timezone.localtime(h).replace(tzinfo=None), 0) for h in hours]

    return {
        "hours": [timezone.localtime(h).strftime("%H:00") for h in hours],
        "received": counts(InboundMessage.objects, "received_at"),
        "failed": counts(InboundMessage.objects, "received_at", FAILED),
        "sent": counts(OutboundMessage.objects, "sent_at", Q(state=Delivery.SENT)),
    }
