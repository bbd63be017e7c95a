"""New techniques and projects (QLT-9; issue 23, point 21): proposed by a leader, approved by
the director with a signature, the trained staff named before it starts, and the year's
starts in the annual summary."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from yiji.core.models import Role
from yiji.core.rulebook import RuleViolation
from yiji.quality import techniques
from yiji.quality.models import NewTechnique

pytestmark = pytest.mark.rules("QLT-9")


def test_a_new_technique_from_proposal_to_the_annual_summary(
    client_for, make_staff, director, imaging, frozen_clock
):
    leader = make_staff(Role.GROUP_LEADER, name="CT组长")
    tech = make_staff(Role.TECHNOLOGIST, name="李技师")
    web = client_for(leader)
    url = f"/quality/new-techniques/?department={imaging.pk}"
    web.post(url, {"action": "propose", "kind": "technique", "name": "冠状动脉CTA",
                   "description": "64排CT心电门控冠脉成像，替代部分诊断性造影"})  # fmt: skip
    found = NewTechnique.objects.get()
    with pytest.raises(RuleViolation, match="QLT-9"):  # not approved yet
        techniques.start(leader.user, found)
    refused = web.post(url, {"action": "approve", "technique": found.pk, "signature": PASSWORD})
    found.refresh_from_db()
    assert found.approved_at is None and refused.status_code in (302, 403)
    boss = client_for(director)
    boss.post(url, {"action": "approve", "technique": found.pk, "signature": PASSWORD})
    found.refresh_from_db()
    assert found.approved_by == director and found.approval_signature.signer == director
    with pytest.raises(RuleViolation, match="QLT-9"):  # nobody trained yet
        techniques.start(leader.user, found)
    web.post(url, {"action": "train", "technique": found.pk, "staff": [tech.pk]})
    web.post(url, {"action": "start", "technique": found.pk, "started_on": "2026-11-20"})
    found.refresh_from_db()
    assert str(found.started_on) == "2026-11-20"
    page = boss.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "冠状动脉CTA" in page and "李技师" in page
    summary = boss.get(f"/quality/annual/?department={imaging.pk}&year=2026").text
    assert "冠状动脉CTA" in summary and "李技师" in summary
