"""The starting lab catalogue is loaded by `yiji lab_catalogue`, once (LAB-3's ranges and
critical limits come with it)."""

from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.rules("LAB-3")


def test_the_catalogue_command_loads_the_lab_once(lab):
    from django.core.management import call_command

    from yiji.lab.models import LabItem

    out = io.StringIO()
    call_command("lab_catalogue", stdout=out)
    call_command("lab_catalogue", "--department", "LAB", stdout=out)
    assert out.getvalue().split("\n")[:2] == ["10 lab panels added.", "0 lab panels added."]
    assert LabItem.objects.count() == 10
