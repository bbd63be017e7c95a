from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "yiji.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # yiji.core.hooks: what reporting adds to a shift's handover.
        from yiji.people.hooks import handover_open_work
        from yiji.reports import handover

        handover_open_work.connect(handover.open_work)
