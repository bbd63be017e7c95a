from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "yiji.orders"
    label = "orders"
    verbose_name = _("Orders and exams")

    def ready(self) -> None:
        # yiji.core.hooks: what the order flow adds to a shift's handover; the desk's and
        # the rooms' queues on their people's home page.
        from yiji.core.hooks import home_panels
        from yiji.orders import handover, views
        from yiji.people.hooks import handover_open_work

        handover_open_work.connect(handover.open_work)
        home_panels.connect(views.home_panels)
