"""The archive's polling pass, run by Huey's consumer (`yiji up` starts it)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yiji.core import policy
from yiji.images import availability


@db_periodic_task(crontab(minute="*"))
def poll_archive() -> int:
    """Every minute: which open exams' images have arrived (it waits longer while the archive
    is failing)."""
    with policy.batch():
        return availability.poll().asked
