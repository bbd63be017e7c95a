"""Background work of the interfaces, run by Huey's consumer (`yiji up` starts it)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from yiji.interop.hl7 import outbound


# No Huey lock here: a consumer killed while holding one would leave it set for good (the
# SQLite storage cannot expire keys) and delivery would stop. Two workers sending at once are
# kept apart by the message's own lease in the database (outbound.deliver), and a patient's
# order by outbound._blocked.
@db_task()
def deliver_outbound() -> int:
    """Deliver the due HL7 messages now (queued when a message is made)."""
    return outbound.deliver_due()


@db_periodic_task(crontab(minute="*"))
def retry_outbound() -> int:
    """Every minute, and at once when a consumer starts: messages whose retry pause is over,
    reports now released (RPT-4), and what a consumer that died had not sent."""
    deliver_outbound()
    return 0
