"""The organisation page (STF-1): director, deputies, groups with their leaders, and each
role's responsibilities — the regulations' words until the director writes the
department's own, which are audited."""

from __future__ import annotations

import pytest

from yiji.core.models import AuditEntry, Role, WorkGroup
from yiji.core.services import DEFAULT_RESPONSIBILITIES, responsibilities


@pytest.mark.rules("STF-1")
def test_responsibilities_are_shown_and_written_by_the_director(
    client_for, director, make_staff, imaging
):
    ct = WorkGroup.objects.create(department=imaging, code="CT", name="CT组")
    leader = make_staff(Role.GROUP_LEADER, name="CT组长")
    leader.role_assignments.update(group=ct)
    page = client_for(director).get("/organisation/").content.decode()
    assert "CT组长" in page and DEFAULT_RESPONSIBILITIES[Role.DEPUTY_DIRECTOR] in page
    client_for(director).post(
        "/organisation/",
        {"department": imaging.pk, "role": Role.TECHNOLOGIST, "text": "技师负责CT与MR检查"},
    )
    assert responsibilities(imaging)[Role.TECHNOLOGIST] == "技师负责CT与MR检查"
    assert AuditEntry.objects.filter(object_type="core.responsibility").exists()
    assert "技师负责CT与MR检查" in client_for(director).get("/organisation/").content.decode()
    refused = client_for(leader).post(
        "/organisation/", {"department": imaging.pk, "role": Role.TECHNOLOGIST, "text": "改"}
    )
    assert refused.status_code == 403
    empty = client_for(director).post(
        "/organisation/", {"department": imaging.pk, "role": "nobody", "text": ""}, follow=True
    )
    assert empty.status_code == 200
    assert responsibilities(imaging)[Role.TECHNOLOGIST] == "技师负责CT与MR检查"
