from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "yiji.people"
    verbose_name = "人员"
