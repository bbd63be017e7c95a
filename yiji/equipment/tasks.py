from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yiji.core import policy
from yiji.equipment import plans, radiation, services, supplies


@db_periodic_task(crontab(minute="30", hour="7"))
def licence_reminders() -> int:
    """Each morning: licences expiring within the warning period (EQP-1)."""
    with policy.batch():
        return services.remind_expiring_licences()


@db_periodic_task(crontab(minute="0", hour="9"))
def maintenance_reminders() -> int:
    """Each morning: plans past their due date, to each device's custodian (EQP-2, EQP-8)."""
    with policy.batch():
        return plans.remind_overdue()


@db_periodic_task(crontab(minute="20", hour="9"))
def radiation_reminders() -> int:
    """Each morning: protective equipment past its inspection, plans past their drill
    (RAD-4, RAD-5)."""
    with policy.batch():
        return radiation.remind_due()


@db_periodic_task(crontab(minute="30", hour="9"))
def supplies_reminders() -> int:
    """Each morning: low stock, expiring and expired lots, hazardous items to check (EQP-9,
    EQP-10)."""
    with policy.batch():
        return supplies.remind()
