from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "yiji.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # yiji.core.hooks: what reporting adds to a shift's handover; the reading list and a
        # clinician's critical results on their home page; a trainee's revision rate on the plan.
        from yiji.core.hooks import home_panels
        from yiji.people.hooks import handover_open_work, trainee_figures
        from yiji.reports import handover, revisions, views

        handover_open_work.connect(handover.open_work)
        home_panels.connect(views.home_panels)
        trainee_figures.connect(revisions.trainee_figures)
