from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yiji.core import policy
from yiji.quality import assessments, films, followup, qc, rollup, sessions


@db_periodic_task(crontab(minute="*/5"))
def reading_session_reminders() -> int:
    """Every five minutes: remind the director of a session day not yet recorded (CNF-1)."""
    with policy.batch():
        return sessions.remind_unrecorded()


@db_periodic_task(crontab(minute="*/10"))
def follow_ups() -> int:
    """Every ten minutes: open follow-ups for newly released positive, suspicious or critical
    reports (QLT-1), and remind readers of overdue ones (QLT-8)."""
    with policy.batch():
        return followup.open_follow_ups() + followup.remind_overdue()


@db_periodic_task(crontab(minute="0", hour="8"))
def quality_reminders() -> int:
    """Each morning: remind directors of a half-year or year whose assessment is not drawn up
    (QLT-4), owners and the QC group of overdue rectifications (QLT-5), and the QC officers of
    a film review that is due (CNF-6)."""
    with policy.batch():
        return assessments.remind_due() + qc.remind_overdue() + films.remind_film_review()


@db_periodic_task(crontab(minute="30", hour="2"))
def indicator_rollup() -> int:
    """Each night: roll up the quality indicators of the days that have settled (QLT-4)."""
    with policy.batch():
        return rollup.roll_up_settled()
