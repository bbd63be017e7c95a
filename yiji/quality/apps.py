from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "yiji.quality"
    label = "quality"
    verbose_name = _("Quality")

    def ready(self) -> None:
        # yiji.core.hooks: a late report changes a settled day's figures; the reading
        # sessions' absences go on the month's attendance sheet; the leaders' home is the
        # cockpit.
        from yiji.core.hooks import home_panels
        from yiji.people.hooks import month_absences
        from yiji.quality import cockpit_views, rollup, sessions
        from yiji.reports.hooks import report_issued

        report_issued.connect(rollup.report_issued)
        month_absences.connect(sessions.absences)
        home_panels.connect(cockpit_views.home_panels)
