from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yiji.core import policy
from yiji.equipment import services


@db_periodic_task(crontab(minute="30", hour="7"))
def licence_reminders() -> int:
    """Each morning: licences expiring within the warning period (EQP-1)."""
    with policy.batch():
        return services.remind_expiring_licences()
