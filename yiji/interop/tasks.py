"""Background work of the interfaces, run by Huey's consumer (`yiji up` starts it)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from yiji.interop.hl7 import outbound


@db_task()
@lock_task("hl7-outbound")
def deliver_outbound() -> int:
    """Deliver the due HL7 messages now (queued when a message is made)."""
    return outbound.deliver_due()


@db_periodic_task(crontab(minute="*"))
def retry_outbound() -> int:
    """Every minute: messages whose retry pause is over, and reports now released (RPT-4)."""
    deliver_outbound()
    return 0
