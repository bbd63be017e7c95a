from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yiji.core import policy
from yiji.lab import specimens, tat


@db_periodic_task(crontab(minute="*"))
def lab_turnaround_reminders() -> int:
    """Every minute: results nearing or past their LAB-2 deadline."""
    with policy.batch():
        return tat.remind()


@db_periodic_task(crontab(minute="20"))
def specimen_disposal_reminders() -> int:
    """Every hour: specimens past their keeping time, to be disinfected and disposed (LAB-4)."""
    with policy.batch():
        return specimens.remind_disposal()
