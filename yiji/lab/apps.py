from django.apps import AppConfig


class LabConfig(AppConfig):
    name = "yiji.lab"
    verbose_name = "检验科"

    def ready(self) -> None:
        # yiji.core.hooks: what the lab adds to a shift's handover; the workbench's counts
        # on a lab member's home page.
        from yiji.core.hooks import home_panels
        from yiji.lab import handover, views
        from yiji.people.hooks import handover_open_work

        handover_open_work.connect(handover.open_work)
        home_panels.connect(views.home_panels)
