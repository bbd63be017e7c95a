from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "yiji.archive"
    verbose_name = "档案"
