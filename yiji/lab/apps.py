from django.apps import AppConfig


class LabConfig(AppConfig):
    name = "yiji.lab"
    verbose_name = "检验科"

    def ready(self) -> None:
        # yiji.core.hooks: what the lab adds to a shift's handover.
        from yiji.lab import handover
        from yiji.people.hooks import handover_open_work

        handover_open_work.connect(handover.open_work)
