from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yiji.core import policy
from yiji.exams import disinfection


@db_periodic_task(crontab(minute="15", hour="9"))
def disinfection_reminders() -> int:
    """Each morning: rooms past their routine disinfection (EQP-7)."""
    with policy.batch():
        return disinfection.remind_overdue()
