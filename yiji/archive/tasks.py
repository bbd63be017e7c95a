from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from yiji.archive import loans, services
from yiji.core import access, policy


@db_periodic_task(crontab(minute="20"))
def scheduled_backup():
    """Every hour: a backup when the last good one is older than the interval (ARC-6)."""
    with policy.batch():
        record = services.scheduled()
    return record.pk if record else None


@db_periodic_task(crontab(minute="0", hour="8"))
def backup_reminders() -> int:
    """Each morning: a backup too old, a restore test due (ARC-6)."""
    with policy.batch():
        return services.remind()


@db_periodic_task(crontab(minute="10", hour="8"))
def loan_reminders() -> int:
    """Each morning: loans falling due and overdue (ARC-2)."""
    with policy.batch():
        return loans.remind()


@db_periodic_task(crontab(minute="5", hour="7"))
def break_glass_report() -> int:
    """Each morning: yesterday's break-glass accesses to the directors (ARC-5)."""
    return access.report_to_director()


@db_task()
def backup_now() -> int:
    """A backup asked for from the status page, run by the consumer."""
    return services.run_backup().pk


@db_task()
def restore_test_now() -> int:
    return services.restore_test().pk
