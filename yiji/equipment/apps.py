from django.apps import AppConfig


class EquipmentConfig(AppConfig):
    name = "yiji.equipment"
    verbose_name = "设备"

    def ready(self) -> None:
        # yiji.core.hooks: the order flow asks whether a room's device is down (EQP-3); a
        # shift's handover lists the devices in fault.
        from yiji.equipment import handover
        from yiji.equipment.services import faulty_device_in
        from yiji.orders.hooks import device_down_in_room
        from yiji.people.hooks import handover_open_work

        device_down_in_room.connect(faulty_device_in)
        handover_open_work.connect(handover.open_work)
