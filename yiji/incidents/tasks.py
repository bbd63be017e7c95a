from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yiji.core import policy
from yiji.incidents import services


@db_periodic_task(crontab(minute="5"))
def incident_reminders() -> int:
    """Every hour: INC-1 steps past their time and overdue preventive measures (INC-3)."""
    with policy.batch():
        return services.remind_overdue()
