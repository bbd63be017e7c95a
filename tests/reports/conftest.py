import pytest


@pytest.fixture(autouse=True)
def _on_a_monday_morning(frozen_clock):
    """Clinical-flow tests run on a frozen clock (Monday 07:30 in Beijing) unless they move it."""
    yield
