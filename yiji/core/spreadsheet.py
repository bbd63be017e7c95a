"""Excel exports that keep user-entered text as text: a cell whose text begins with "=" is
written as a string, never as a formula (an incident description "=HYPERLINK(...)" must not
become a live link in the director's workbook)."""

from __future__ import annotations

from collections.abc import Iterable


def append_row(sheet, values: Iterable) -> None:
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":  # openpyxl took a leading "=" for a formula
            cell.data_type = "s"
