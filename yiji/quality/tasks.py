from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yiji.core import policy
from yiji.quality import sessions


@db_periodic_task(crontab(minute="*/5"))
def reading_session_reminders() -> int:
    """Every five minutes: remind the director of a session day not yet recorded (CNF-1)."""
    with policy.batch():
        return sessions.remind_unrecorded()
