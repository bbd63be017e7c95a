import pytest

from yiji.core.models import Role, Room
from yiji.equipment import services
from yiji.equipment.models import Device


@pytest.fixture(autouse=True)
def _on_a_monday_morning(frozen_clock):
    """Equipment tests run on the frozen Monday 07:30 (Beijing) unless they move the clock."""
    yield


@pytest.fixture
def engineer(make_staff):
    return make_staff(Role.ENGINEER, name="设备工程师")


@pytest.fixture
def ct(engineer, technologist, imaging, rooms):
    device = Device(
        department=imaging, name="CT一号机", kind="CT", modality="CT", manufacturer="联影",
        model="uCT 760", serial="CT-0001", room=rooms["CT1"], custodian=technologist, large=True,
    )  # fmt: skip
    return services.register_device(engineer.user, device)


@pytest.fixture
def second_ct_room(imaging):
    return Room.objects.create(department=imaging, code="CT2", name="CT二室", modalities=["CT"])
