"""Results from an analyser's export file (CSV: barcode, test code, value; UTF-8 or GB18030).
Each specimen's rows go through results.enter like a hand entry; rows that cannot be applied
are listed with the reason and nothing else in the file is lost (LAB-3)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from yiji.core.rulebook import RuleViolation, carries_out
from yiji.equipment.models import Device
from yiji.lab import results
from yiji.lab.models import ResultSource, Specimen

MAX_BYTES = 5 * 1024 * 1024
COLUMNS = {
    "barcode": ("barcode", "条码", "标本号", "sampleid", "sample_id"),
    "test": ("test", "项目", "项目代号", "code", "testcode"),
    "value": ("value", "结果", "result"),
}


@dataclass
class Problem:
    line: int
    barcode: str
    test: str
    message: str


@dataclass
class ImportResult:
    saved: int = 0
    specimens: int = 0
    problems: list[Problem] = field(default_factory=list)


def _rows(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return list(csv.reader(io.StringIO(content.decode(encoding))))
        except UnicodeDecodeError:
            continue
    raise RuleViolation("LAB-3", "文件编码无法识别。", "The file's encoding is not readable.")


def _columns(header: list[str]) -> dict[str, int]:
    names = [cell.strip().lower().replace(" ", "") for cell in header]
    found = {}
    for key, aliases in COLUMNS.items():
        for index, name in enumerate(names):
            if name in aliases:
                found[key] = index
    missing = [key for key in COLUMNS if key not in found]
    if missing:
        raise RuleViolation(
            "LAB-3", "文件首行须有列：条码（barcode）、项目（test）、结果（value）。",
            "The first row must name the columns barcode, test and value.", field="file",
        )  # fmt: skip
    return found


@carries_out("LAB-3")
def import_file(actor, upload, instrument: Device | None = None) -> ImportResult:
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise RuleViolation(
            "LAB-3", "文件超过5 MB。", "The file is larger than 5 MB.", field="file"
        )
    rows = _rows(content)
    if not rows:
        raise RuleViolation("LAB-3", "文件是空的。", "The file is empty.", field="file")
    columns = _columns(rows[0])
    outcome = ImportResult()
    by_barcode: dict[str, list[tuple[int, str, str]]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            barcode, test, value = (row[columns[k]].strip() for k in ("barcode", "test", "value"))
        except IndexError:
            outcome.problems.append(Problem(line, "", "", str(_("too few columns"))))
            continue
        by_barcode.setdefault(barcode, []).append((line, test, value))
    specimens = Specimen.objects.in_bulk(list(by_barcode), field_name="barcode")
    for barcode, lines in by_barcode.items():
        specimen = specimens.get(barcode)
        if specimen is None:
            outcome.problems += [Problem(n, barcode, t, str(_("no specimen has this barcode")))
                                 for n, t, _v in lines]  # fmt: skip
            continue
        try:
            entry = results.enter(actor, specimen.exam, {t: v for _n, t, v in lines},
                                  source=ResultSource.FILE, instrument=instrument)  # fmt: skip
        except RuleViolation as refusal:
            outcome.problems += [Problem(n, barcode, t, refusal.message)
                                 for n, t, _v in lines]  # fmt: skip
            continue
        outcome.specimens += 1
        outcome.saved += len(entry.saved)
        outcome.problems += [Problem(n, barcode, t, entry.problems[t])
                             for n, t, _v in lines if t in entry.problems]  # fmt: skip
    return outcome
