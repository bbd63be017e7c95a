from django.apps import AppConfig


class EquipmentConfig(AppConfig):
    name = "yiji.equipment"
    verbose_name = "设备"
