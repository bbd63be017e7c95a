"""Chinese by default, complete English: catalogues are whole and no page shows a string that
was left out of translation."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.test import Client

from yiji.site.demo import hospital as demo

LOCALE = Path(__file__).resolve().parents[2] / "yiji" / "locale"
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"

# Words that are the same in Chinese software: abbreviations, units, the language's own name.
ALLOWED = {
    "mGy",
    "Gy",
    "Excel",
    "Word",
    "Ctrl",  # key names, as printed on the keyboard
    "Alt",
    "Enter",
    "xlsx",
    "API",
    "PIN",
    "ID",
    "CT",
    "MRI",
    "DSA",
    "DR",
    "ECG",
    "XR",
    "IR",
    "MR",
    "mSv",
    "English",
    "JSON",
    "HTTPS",
    "OpenAPI",
    "Bearer",
    "Token",
    "SQL",
    "HIS",
    "PACS",
    "RIS",
    "CTA",
    "docs",
    "CTDIvol",
    "DiagnosticReport",
    "Westgard",
    "Levey-Jennings",
    "kV",
    "mAs",
    "mmol",
}


def test_the_chinese_catalogue_is_complete():
    po = polib.pofile(str(ZH_PO))
    assert len(po) > 200
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()][:10]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()][:10]


def test_the_compiled_catalogue_matches_the_source():
    def translations(catalogue):
        return {
            (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural[0] for e in catalogue if e.msgid
        }  # a word in two contexts (Open: a button, a status) is two entries

    po = translations(polib.pofile(str(ZH_PO)))
    assert po == translations(polib.mofile(str(ZH_PO.with_suffix(".mo"))))


class _VisibleText(HTMLParser):
    """Visible text and attribute labels, leaving out code, scripts, the language menu and
    elements marked as stored data (class "data"), which are shown as they were entered."""

    SKIP = {"script", "style", "code", "option", "pre"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.stack: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP or "data" in (dict(attrs).get("class") or "").split():
            self.depth += 1
            self.stack.append(tag)
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def _english_words(html: str, also_allowed: set[str]) -> set[str]:
    parser = _VisibleText()
    parser.feed(html)
    words = set(re.findall(r"[A-Za-z][A-Za-z'-]{2,}", " ".join(parser.parts)))
    # Upper-case words are abbreviations (CT, HL7, rule IDs such as ORD-1): not prose.
    return {w for w in words if not w.isupper() and w not in ALLOWED | also_allowed}


@pytest.fixture
def site(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("demo", stdout=StringIO())
    from yiji.core.models import Patient, Staff
    from yiji.incidents.models import Incident
    from yiji.orders.models import Exam
    from yiji.people.models import DoseImport, DoseRecord

    return {
        "exams": [
            # The imaging department's: the demo's desk and technologist work there (ARC-5).
            Exam.objects.filter(status=status, department__code="RAD").first().pk
            for status in ("requested", "booked", "arrived", "in_progress", "completed")
        ],
        "room": Exam.objects.filter(status="arrived").first().room_id,
        "requisition": Exam.objects.first().requisition_id,
        "patient": Patient.objects.order_by("pk").first(),
        "staff": Staff.objects.order_by("pk").first(),
        "usernames": set(Staff.objects.values_list("user__username", flat=True)),
        "radiation_worker": DoseRecord.objects.order_by("pk").first().staff_id,
        "dose_file": DoseImport.objects.get().pk,
        "incident": Incident.objects.order_by("pk").first().pk,
    }


def _pages(site):
    return [
        "/",
        "/patients/",
        f"/patients/{site['patient'].pk}/",
        "/staff/",
        f"/staff/{site['staff'].pk}/",
        "/organisation/",
        "/rules/",
        "/policy/",
        "/policy/crit.notify_minutes/",
        "/policy/rpt.difficult_case_min_title/",
        "/audit/",
        "/account/",
        "/worklist/",
        "/catalogue/",
        f"/requisitions/{site['requisition']}/",
    ] + [f"/exams/{pk}/" for pk in site["exams"]]


def _people_pages(site):
    staff = site["radiation_worker"]
    return [
        "/people/",
        "/people/roster/",
        "/people/handover/",
        "/people/leave/",
        "/people/attendance/",
        f"/people/{staff}/",
        f"/people/{staff}/dose/",
        "/incidents/",
        "/incidents/new/",
        f"/incidents/{site['incident']}/",
        "/archive/",
        "/archive/?q=P",
        f"/archive/exams/{site['exams'][4]}/",
        "/archive/loans/",
        "/archive/backups/",
        "/archive/teaching/",
    ]


def _login(username: str, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.post("/login/", {"username": username, "password": demo.DEMO_PASSWORD})
    return client


def _lab_pages() -> list[str]:
    from yiji.lab.models import QcRun, Specimen
    from yiji.reports.models import CriticalResult

    rejected = Specimen.objects.filter(status="rejected").first()
    lab_criticals = CriticalResult.objects.filter(exam__modality="LAB")
    pending = lab_criticals.filter(notified_at__isnull=True).first()
    released = lab_criticals.filter(notified_at__isnull=False).first()
    run = QcRun.objects.filter(status="rejected").first()
    tabs = [f"/lab/?tab={tab}" for tab in ("collect", "transit", "testing", "released", "dispose")]
    return [
        *tabs,
        f"/lab/specimens/{rejected.pk}/",
        f"/lab/specimens/{rejected.recollection.pk}/",
        f"/lab/exams/{pending.exam_id}/",
        f"/lab/exams/{released.exam_id}/",
        "/lab/import/",
        "/lab/qc/",
        f"/lab/qc/{run.test_id}/{run.instrument_id}/",
        "/lab/indicators/",
        "/critical/",
    ]


def test_no_page_shows_untranslated_english(site):
    director = _login("director", "zh-hans")
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    pages = [(director, url) for url in _pages(site)] + [(anonymous, "/login/")]
    clerk, tech = _login("clerk", "zh-hans"), _login("tech", "zh-hans")
    pages += [(clerk, "/patients/new/"), (clerk, "/requisitions/new/")]
    pages += [(clerk, f"/exams/{pk}/") for pk in site["exams"][:2]]
    pages += [(tech, f"/exams/{pk}/") for pk in site["exams"][2:4]]
    pages += [(tech, f"/rooms/{site['room']}/queue/"), (Client(), f"/screen/{site['room']}/")]
    physician = _login("physician", "zh-hans")
    pages += [(physician, "/reading/"), (physician, f"/exams/{site['exams'][4]}/report/")]
    pages += [(director, "/tat/"), (director, "/tat/late/"), (physician, "/critical/")]
    pages += [(Client(), "/verify/5d0c3c9e-1111-4222-8333-444455556666/abcdefabcdefabcd/")]
    pages += [(_login("admin", "zh-hans"), "/admin/")]
    pages += [(director, url) for url in _people_pages(site)]
    qc = _login("qc", "zh-hans")
    pages += [(qc, "/people/dosimetry/"), (qc, f"/people/dosimetry/imports/{site['dose_file']}/")]
    pages += [(_login("labreviewer", "zh-hans"), url) for url in _lab_pages()]
    problems = {}
    for client, url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        words = _english_words(response.text, site["usernames"])
        if words:
            problems[url] = sorted(words)
    assert not problems


def test_the_language_switch_gives_english(db):
    demo.load()  # the director's account is all it needs
    client = _login("director", "zh-hans")
    assert "患者" in client.get("/").text
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/rules/").text
    assert 'lang="en"' in page and "Rules" in page and "Patients" in page
    assert "Every exam needs a requisition" in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "制度规则" in client.get("/rules/").text


def test_words_the_walkthrough_found_mistranslated(client_for, director, completed, items):
    from django.utils import translation

    from yiji.core.templatetags.durations import seconds

    page = client_for(director).get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert ">English</option>" in page and ">简体中文</option>" in page  # not 英语
    with translation.override("zh-hans"):
        assert translation.gettext("Open") == "打开"  # a button, not 未完成
        assert translation.pgettext("status", "Open") == "未完成"
        assert translation.gettext("Due") == "截止时间"  # not 应随访日期
    exam = completed(items["chest"])
    text = client_for(director).get(f"/exams/{exam.pk}/").text
    assert not re.search(r"\d:\d\d:\d\d\.\d{6}", text)  # no microseconds in a duration
    with translation.override("en"):
        assert seconds(dt.timedelta(seconds=55.928143)) == "56 s"
    log = client_for(director).get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "患者" in log and "core.patient" not in log  # the record's kind in words


ROLES = (
    "director", "deputy", "leader", "physician", "trainee", "tech", "clerk", "nurse", "engineer",
    "qc", "clinician", "medaffairs", "labtech", "labreviewer", "admin",
)  # fmt: skip

# What a page must never show, in either language: internals that leaked into the text.
INTERNALS = {
    "a Python repr": re.compile(
        r"<(QuerySet|\w+ object at|bound method|function \w)|\bobject at 0x"
    ),
    "a raw model label": re.compile(
        r"\b(auth|core|orders|exams|reports|lab|equipment|people|quality|archive|incidents"
        r"|interop)\.[a-z]+\b"
    ),
    "a duration with microseconds": re.compile(r"\b\d+:\d\d:\d\d\.\d{3,6}\b"),
    "an untranslated placeholder": re.compile(r"%\(\w+\)[sd]|\{\{|\{%"),
}


def test_every_role_s_pages_in_both_languages_show_no_internals(site):
    """Each demo role's home, and every page of the roles' menus (each once, as the first
    role that has it), in Chinese and in English: answered in the asked language, with no
    Python repr, raw model label, microsecond duration or placeholder; in Chinese, no English
    left untranslated."""
    from django.contrib.auth import get_user_model

    from yiji.core.navigation import items_for

    visits, seen = [], set()
    for username in ROLES:
        user = get_user_model().objects.get(username=username)
        visits.append((username, "/"))
        for url in sorted({item["url"] for item in items_for(user)} - seen):
            seen.add(url)
            visits.append((username, url))
    problems: dict[str, list[str]] = {}
    for language in ("zh-hans", "en"):
        clients = {username: _login(username, language) for username in ROLES}
        for username, url in visits:
            response = clients[username].get(url)
            where = f"{language} {username} {url}"
            if response.status_code != 200:
                problems[where] = [f"status {response.status_code}"]
                continue
            assert f'lang="{language}"' in response.text, where
            parser = _VisibleText()
            parser.feed(response.text)
            text = " ".join(parser.parts)
            found = [name for name, pattern in INTERNALS.items() if pattern.search(text)]
            if language == "zh-hans":
                found += sorted(_english_words(response.text, site["usernames"]))
            if found:
                problems[where] = found
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_stored_notices_read_in_english_for_an_english_reader(director):
    from django.utils import translation

    from yiji.core import notices
    from yiji.core.models import Notice

    notices.notify([director], "RPT-7", "a", "【RPT-7】报告已超时：张三 胸部CT")
    notices.notify(
        [director],
        "RPT-7",
        "b",
        "【RPT-7】报告即将到期：李四 头颅CT",
        message_en="[RPT-7] Report due: 李四 头颅CT",
    )
    plain, written = Notice.objects.order_by("key")
    with translation.override("en"):
        assert plain.text.startswith("[RPT-7] ") and "报告" not in plain.text
        assert written.text == "[RPT-7] Report due: 李四 头颅CT"
    with translation.override("zh-hans"):
        assert plain.text == "【RPT-7】报告已超时：张三 胸部CT"
