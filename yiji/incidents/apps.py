from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "yiji.incidents"
    verbose_name = "差错事故"
