from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "yiji.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # yiji.core.hooks: what reporting adds to a shift's handover; the reading list and a
        # clinician's critical results on their home page.
        from yiji.core.hooks import home_panels
        from yiji.people.hooks import handover_open_work
        from yiji.reports import handover, views

        handover_open_work.connect(handover.open_work)
        home_panels.connect(views.home_panels)
