"""Background work of the reports app, run by Huey's consumer (`yiji up` starts it)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yiji.core import policy
from yiji.reports import clocks, critical


@db_periodic_task(crontab(minute="*"))
def report_deadlines() -> int:
    """Every minute: remind before report deadlines and escalate missed ones, preliminary
    reports' finalisation included."""
    with policy.batch():
        return clocks.remind_and_escalate() + clocks.remind_preliminary()


@db_periodic_task(crontab(minute="*"))
def critical_results() -> int:
    """Every minute: escalate critical results not notified or not acknowledged in time."""
    with policy.batch():
        return critical.escalate()
