from django.apps import AppConfig


class LabConfig(AppConfig):
    name = "yiji.lab"
    verbose_name = "检验科"
