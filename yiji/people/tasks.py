from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yiji.core import policy
from yiji.people import credentials, dosimetry, handover


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
