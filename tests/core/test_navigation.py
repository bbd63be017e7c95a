"""Navigation (issue 27, point 5): at most eight menus, each role seeing only its own, the
current page highlighted in its menu, and a search box that finds an exam by accession, a page
by its name, or else the patients."""

from __future__ import annotations

import re

from yiji.core.models import Role
from yiji.core.navigation import GROUPS


def _menus(page: str) -> list[str]:
    nav = page.split('<nav class="main"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r"<summary[^>]*>([^<]+)</summary>", nav)


def test_the_director_sees_at_most_eight_menus_and_the_current_one_is_marked(client_for, director):
    page = client_for(director).get("/quality/kpi/", HTTP_ACCEPT_LANGUAGE="en").text
    menus = _menus(page)
    assert 2 <= len(menus) <= len(GROUPS) == 8
    assert "Quality" in menus
    assert re.search(r'<summary class="on">Quality</summary>', page)  # where I am


def test_a_clinician_sees_no_menu_of_the_departments_own_work(client_for, make_staff):
    page = client_for(make_staff(Role.CLINICIAN)).get("/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "Clinical work" in _menus(page)
    assert not {"Equipment", "People", "Laboratory", "Interfaces"} & set(_menus(page))


def test_the_search_box_finds_an_accession_a_page_or_patients(
    client_for, director, completed, items
):
    exam = completed(items["chest"])
    web = client_for(director)
    assert web.get("/go/", {"q": exam.accession.lower()})["Location"] == f"/exams/{exam.pk}/"
    assert web.get("/go/", {"q": "Turnaround"}, HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/tat/"
    assert web.get("/go/", {"q": "zsm"})["Location"] == "/patients/?q=zsm"


def test_the_menus_follow_each_persons_roles_when_they_change(client_for, make_staff):
    """The entries are kept per set of roles (core.navigation): a role given or taken away
    shows on the next page, and a colleague's roles never leak into another's menus."""
    from yiji.core.models import RoleAssignment

    clinician = make_staff(Role.CLINICIAN)
    engineer = make_staff(Role.ENGINEER)
    assert "/equipment/" not in _nav(client_for(clinician).get("/", HTTP_ACCEPT_LANGUAGE="en").text)
    assert "/equipment/" in _nav(client_for(engineer).get("/", HTTP_ACCEPT_LANGUAGE="en").text)
    RoleAssignment.objects.create(staff=clinician, role=Role.ENGINEER, department=None)
    assert "/equipment/" in _nav(client_for(clinician).get("/", HTTP_ACCEPT_LANGUAGE="en").text)
    RoleAssignment.objects.filter(staff=engineer).delete()
    assert "/equipment/" not in _nav(client_for(engineer).get("/", HTTP_ACCEPT_LANGUAGE="en").text)


def _nav(page: str) -> str:
    return page.split('<nav class="main"', 1)[1].split("</nav>", 1)[0]
