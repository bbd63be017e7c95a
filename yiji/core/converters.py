"""URL converters that only match what the database can hold: a primary key of at most 18
digits (a bigint), a year of four. Anything else is a 404 before a view runs, never an
overflow deep in the database driver."""

from __future__ import annotations


class RecordId:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class Year(RecordId):
    regex = "[12][0-9]{3}"
