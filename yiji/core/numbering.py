"""Unique daily numbers (requisition, accession, queue) that stay unique under concurrency."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction

from yiji.core.models import Counter


def next_value(name: str, day: dt.date) -> int:
    """The next value of a per-day counter. The increment is one statement that locks the
    row until the caller's transaction ends, so concurrent callers queue; the day's row is
    made by its first caller."""
    table, value = (connection.ops.quote_name(n) for n in (Counter._meta.db_table, "value"))
    sql_day = Counter._meta.get_field("day").get_db_prep_value(day, connection)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {value} = {value} + 1 WHERE name = %s AND day = %s"
            f" RETURNING {value}",
            [name, sql_day],
        )
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    try:
        with transaction.atomic():
            Counter.objects.create(name=name, day=day, value=1)
        return 1
    except IntegrityError:  # another caller made the row first: take the next after theirs
        return next_value(name, day)


def daily_number(prefix: str, day: dt.date, width: int = 5) -> str:
    return f"{prefix}{day:%Y%m%d}{next_value(prefix, day):0{width}d}"
