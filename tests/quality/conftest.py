import pytest


@pytest.fixture(autouse=True)
def _on_a_monday_morning(frozen_clock):
    """Quality tests run on the frozen Monday 07:30 (Beijing) unless they move the clock."""
    yield
