from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yiji.core import policy
from yiji.people import attendance, credentials, dosimetry, handover, training


@db_periodic_task(crontab(minute="*/5"))
def attendance_rolls() -> int:
    """Every five minutes: the roll of each department whose attendance time has come (STF-2)."""
    with policy.batch():
        return attendance.take_due_rolls()


@db_periodic_task(crontab(minute="*/15"))
def handover_reminders() -> int:
    """Every quarter of an hour: duties ended past the grace time without a handover (STF-4)."""
    with policy.batch():
        return handover.remind_missing()


@db_periodic_task(crontab(minute="40", hour="7"))
def credential_reminders() -> int:
    """Each morning: credentials expiring within the reminder period, or expired (RAD-1)."""
    with policy.batch():
        return credentials.remind_expiring()


@db_periodic_task(crontab(minute="45", hour="7"))
def health_check_reminders() -> int:
    """Each morning: radiation workers' health checks falling due (RAD-3)."""
    with policy.batch():
        return dosimetry.remind_health_checks()


@db_periodic_task(crontab(minute="50", hour="7"))
def training_reminders() -> int:
    """Each morning: new graduates' assessments due, reports after training overdue (STF-8)."""
    with policy.batch():
        return training.remind()
