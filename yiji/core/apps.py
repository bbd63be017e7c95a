from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yiji.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.urls import register_converter

        from yiji.core.converters import RecordId, Year

        register_converter(RecordId, "id")
        register_converter(Year, "year")
