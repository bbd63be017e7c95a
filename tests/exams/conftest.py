from tests.orders.conftest import (  # noqa: F401 - shared fixtures
    clinician,
    frozen_clock,
    items,
    order,
    patient,
    physician,
    rooms,
    technologist,
    ultrasound,
    ward,
)
