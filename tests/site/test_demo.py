"""`yiji demo`: a believable hospital, loaded once, where every demo account logs in and sees
its own navigation."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from yiji.core.models import Department, Patient, Role, RoleAssignment, Staff, WorkGroup
from yiji.site.demo import hospital as demo

# What each demo account's navigation must show and must not show.
NAVIGATION = {
    "director": (
        {
            "患者",
            "人员",
            "制度参数",
            "审计日志",
            "制度规则",
            "质量指标",
            "质量考核",
            "年度工作总结",
            "排班与人事",
            "差错事故",
        },
        {"基础数据"},
    ),
    "deputy": ({"患者", "人员", "制度参数"}, {"审计日志", "基础数据"}),
    "leader": ({"患者", "人员", "报告时限"}, {"审计日志"}),
    "physician": ({"患者", "制度规则", "阅片报告"}, {"人员", "制度参数", "审计日志"}),
    "trainee": ({"患者"}, {"人员", "审计日志"}),
    "tech": ({"患者", "排班与人事", "差错事故"}, {"人员", "审计日志"}),
    "clerk": ({"患者", "满意度调查"}, {"人员", "制度参数", "质量指标"}),
    "nurse": ({"患者"}, {"审计日志"}),
    "engineer": ({"制度规则"}, {"患者", "审计日志"}),
    "qc": ({"患者", "制度参数"}, {"审计日志"}),
    "clinician": (
        {"患者", "检查结果", "新建申请单", "差错事故"},
        {"人员", "制度参数", "阅片报告", "排班与人事"},
    ),
    "medaffairs": ({"患者", "审计日志"}, {"基础数据"}),
    "labtech": ({"患者"}, {"人员"}),
    "labreviewer": ({"患者"}, {"人员"}),
    "admin": ({"人员", "审计日志", "基础数据"}, {"患者", "排班与人事", "差错事故"}),
}


@pytest.fixture
def loaded(db):
    demo.load()  # people and places; the clinical demo is tested once, below


def test_one_demo_account_per_role():
    held = {role for person in demo.DEMO_ACCOUNTS for role in person.roles}
    # Interface accounts are not people: hospital systems get them (yiji.interop.accounts).
    assert held == set(Role.values) - {Role.INTERFACE}
    assert set(NAVIGATION) == {person.username for person in demo.DEMO_ACCOUNTS}


def test_the_demo_hospital_is_believable(loaded):
    assert Staff.objects.count() >= 40
    assert Patient.objects.count() >= 200
    kinds = set(Department.objects.values_list("kind", flat=True))
    assert {"imaging", "ultrasound", "ecg", "lab", "clinical"} <= kinds
    assert set(WorkGroup.objects.values_list("code", flat=True)) == {"XR", "CT", "MR", "IR"}
    titles = set(
        Staff.objects.exclude(physician_title=None).values_list("physician_title", flat=True)
    )
    assert titles == {1, 2, 3, 4}
    assert Staff.objects.exclude(trainee_kind="").values("trainee_kind").distinct().count() == 3
    assert Staff.objects.filter(memberships__isnull=False).annotate().count() >= 40
    shared = [s for s in Staff.objects.all() if s.memberships.count() > 1]
    assert shared, "someone works in two departments, as in a township health centre"
    assert RoleAssignment.objects.filter(role=Role.GROUP_LEADER, group__isnull=False).exists()
    name = Patient.objects.first().name
    assert all("\u4e00" <= ch <= "\u9fff" for ch in name)


def test_running_demo_twice_adds_nothing(db):
    from yiji.orders.models import Exam, ExamItem, ExamStatus

    call_command("demo", stdout=StringIO())
    assert ExamItem.objects.count() >= 120
    statuses = set(Exam.objects.values_list("status", flat=True))
    assert {ExamStatus.BOOKED, ExamStatus.ARRIVED, ExamStatus.COMPLETED} <= statuses
    counts = (Staff.objects.count(), Patient.objects.count(), Exam.objects.count())
    out = StringIO()
    call_command("demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert counts == (Staff.objects.count(), Patient.objects.count(), Exam.objects.count())

    # The demo year's annual summary (QLT-7) prints, in Chinese, as PDF and as Word.
    import io

    from docx import Document
    from pypdf import PdfReader

    client = Client()
    client.post("/login/", {"username": "director", "password": demo.DEMO_PASSWORD})
    pdf = client.get("/quality/annual/", {"format": "pdf"})
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "年度工作总结" in text and "门诊" in text and "合计" in text
    assert "开展集体阅片" in text  # the director's draft from the demo

    # Demo equipment: every imaging, ultrasound, ECG and lab room has a device whose start-of-day
    # check is done today, so the demo's patients can be examined.
    from yiji.equipment.models import Device
    from yiji.equipment.plans import unchecked_device_in

    devices = Device.objects.select_related("room")
    assert devices.count() == 16 and not [d for d in devices if unchecked_device_in(d.room)]
    assert client.get("/equipment/").status_code == 200
    assert client.get(f"/equipment/{devices[0].pk}/").status_code == 200
    word = Document(io.BytesIO(client.get("/quality/annual/", {"format": "docx"}).content))
    total = word.tables[0].rows[-1].cells
    assert total[0].text == "合计" and int(total[5].text) > 0


@pytest.mark.rules("STF-1")
def test_the_organisation_shows_director_deputy_and_group_leaders(loaded):
    client = Client()
    client.post("/login/", {"username": "director", "password": demo.DEMO_PASSWORD})
    page = client.get("/organisation/").text
    assert "王建国" not in page or "科主任" in page
    assert "李淑华" in page and "张志强" in page and "CT组" in page


@pytest.mark.parametrize("username", sorted(NAVIGATION))
def test_every_demo_account_logs_in_and_sees_its_navigation(loaded, username):
    client = Client()
    response = client.post("/login/", {"username": username, "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302, username
    home = client.get("/")
    nav = home.text.split('<nav class="main"', 1)[1].split("</nav>", 1)[0]
    shows, hides = NAVIGATION[username]
    for label in shows:
        assert label in nav, f"{username} should see {label}"
    for label in hides:
        assert label not in nav, f"{username} should not see {label}"
    for link in ("/patients/", "/staff/", "/policy/", "/audit/", "/rules/", "/organisation/"):
        if link in nav:
            assert client.get(link).status_code == 200, f"{username} {link}"


def test_demo_on_a_database_not_yet_made_says_to_migrate(db, monkeypatch):
    from django.core.management import CommandError
    from django.db import connection

    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: [])
    with pytest.raises(CommandError, match="yiji migrate"):
        call_command("demo", stdout=StringIO())
    assert not Staff.objects.exists()
