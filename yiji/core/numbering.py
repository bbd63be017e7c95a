"""Unique daily numbers (requisition, accession, queue) that stay unique under concurrency."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from yiji.core.models import Counter


def next_value(name: str, day: dt.date) -> int:
    """The next value of a per-day counter; the row lock makes concurrent callers queue."""
    with transaction.atomic():
        counter = Counter.objects.select_for_update().filter(name=name, day=day).first()
        if counter is None:
            try:
                with transaction.atomic():
                    counter = Counter.objects.create(name=name, day=day, value=0)
            except IntegrityError:  # another caller created it first: lock theirs
                counter = Counter.objects.select_for_update().get(name=name, day=day)
            counter = Counter.objects.select_for_update().get(pk=counter.pk)
        counter.value += 1
        counter.save(update_fields=["value"])
        return counter.value


def daily_number(prefix: str, day: dt.date, width: int = 5) -> str:
    return f"{prefix}{day:%Y%m%d}{next_value(prefix, day):0{width}d}"
