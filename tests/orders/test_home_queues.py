"""Each role's home leads with its own queue (issue 27, point 4): the clerk's desk counts,
the technologist's rooms, the radiologist's reading list, the clinician's critical results."""

from __future__ import annotations

from tests.orders.fixtures import at
from yiji.orders.scheduling import book
from yiji.reports.critical import open_critical


def _tiles(response, title: str) -> dict:
    [panel] = [p for p in response.context["panels"] if str(p.context.get("title")) == title]
    return {str(label): count for label, count, _url, _level in panel.context["tiles"]}


def test_the_clerk_s_home_leads_with_the_desk(clerk, client_for, order, items, rooms):
    order(items["ct_enh"])  # needs an appointment
    book(clerk.user, order(items["chest"])[0], rooms["DR1"], at(9))
    response = client_for(clerk).get("/")
    tiles = _tiles(response, "登记台")
    assert tiles == {"已申请未预约": 1, "今日已预约": 1, "已登记候检": 0}
    html = response.content.decode()
    assert html.index("登记台") < html.index("我的角色") and 'href="/desk/"' in html


def test_the_technologist_s_home_shows_their_rooms_waiting(
    technologist, client_for, completed, items
):
    response = client_for(technologist).get("/")
    tiles = _tiles(response, "我的机房候诊")
    assert set(tiles) >= {"DR一室", "CT一室"} and all(n == 0 for n in tiles.values())


def test_the_radiologist_s_home_counts_the_reading_list(
    physician, client_for, completed, items, clinician
):
    exam = completed(items["ct_head"])
    response = client_for(physician).get("/")
    tiles = _tiles(response, "阅片报告")
    assert tiles["待书写报告"] == 1 and "已逾期" in tiles
    open_critical(physician.user, exam, "ICH", "颅内出血")
    alerts = client_for(clinician).get("/")
    assert _tiles(alerts, "危急值")["尚未确认"] == 1
    assert "已逾期" not in _tiles(alerts, "危急值")
