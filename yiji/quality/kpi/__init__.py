"""Quality indicators (QLT-4): the national sets (radiology 2024, ultrasound 2022) and the
figures the department's own regulations name, each computed by aggregate queries in the
database, per department, group, person, device, modality, item or period, with the records
behind every figure.

An indicator is a set of records (its denominator: exams, critical results, follow-ups), a
condition that puts a record in the numerator, and for each way of grouping the field that
says which group a record belongs to. One GROUP BY query gives every group's numerator and
denominator together, so a year over millions of exams is one indexed scan, not a loop.

The indicators are defined by set (radiology, ultrasound, department, laboratory) over the
record sets they share (sources) and gathered in the catalogue; figures computes them, daily
holds what the nightly roll-up stores, and drilldown lists the records behind a figure.
"""

from yiji.quality.kpi.catalogue import BY_CODE, INDICATORS
from yiji.quality.kpi.daily import day_counts, unrolled_runs
from yiji.quality.kpi.drilldown import describe, records, related
from yiji.quality.kpi.figures import compute, counted, summary, total
from yiji.quality.kpi.indicator import Figure, Indicator, Kind

__all__ = [
    "BY_CODE",
    "INDICATORS",
    "Figure",
    "Indicator",
    "Kind",
    "compute",
    "counted",
    "day_counts",
    "describe",
    "records",
    "related",
    "summary",
    "total",
    "unrolled_runs",
]
