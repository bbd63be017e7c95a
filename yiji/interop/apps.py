from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "yiji.interop"
    label = "interop"
    verbose_name = _("Interfaces")

    def ready(self) -> None:
        # What the clinical apps tell the placing HIS (yiji.core.hooks): each becomes an
        # outbound HL7 message queued in the outbox, inside the change's own transaction.
        from yiji.interop.hl7 import outbound
        from yiji.lab.hooks import lab_report_released
        from yiji.orders.hooks import exam_event_recorded
        from yiji.reports.hooks import report_issued

        exam_event_recorded.connect(outbound.queue_order_status)
        report_issued.connect(outbound.queue_result)
        lab_report_released.connect(outbound.queue_lab_result)
