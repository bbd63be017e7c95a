"""Background work of the interfaces, run by Huey's consumer (`yiji up` starts it). The task
that delivers at once, queued when a message is made, is outbound.deliver_outbound."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yiji.interop.hl7 import outbound, reference


@db_periodic_task(crontab(minute="*"))
def retry_outbound() -> int:
    """Every minute, and at once when a consumer starts: messages whose retry pause is over,
    reports now released (RPT-4), and what a consumer that died had not sent."""
    outbound.deliver_outbound()
    return 0


@db_periodic_task(crontab(hour="3", minute="20"))
def prune_reference_changes() -> int:
    """Nightly: the reference change rows the listeners compare go, but the last (each
    listener reads its reference data once more)."""
    return reference.prune()
