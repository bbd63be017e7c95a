"""Catalogue names on the daily screens: the English name on English pages where the
catalogue keeps one, the hospital's own name otherwise and on Chinese pages."""

from __future__ import annotations

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_daily_screens_name_an_item_in_the_pages_language(
    client_for, clerk, order, items, completed, doctor, frozen_clock
):
    chest = items["chest"]
    chest.name_en = "Chest X-ray, PA view"
    chest.save()
    waiting = order(chest)[0]
    done = completed(chest)
    desk, reader = client_for(clerk), client_for(doctor("attending"))
    screens = [
        (desk, "/worklist/"),
        (desk, f"/exams/{waiting.pk}/"),
        (desk, f"/requisitions/{waiting.requisition_id}/"),
        (desk, "/archive/"),
        (reader, "/reading/"),
        (reader, f"/exams/{done.pk}/report/"),
    ]
    for client, url in screens:
        english, chinese = client.get(url, **ENGLISH).text, client.get(url).text
        assert "Chest X-ray, PA view" in english, url
        assert "胸部正位" in chinese and "Chest X-ray, PA view" not in chinese, url


def test_an_item_without_an_english_name_keeps_its_own_on_english_pages(
    client_for, clerk, order, items
):
    assert items["ct_head"].name_en == ""
    order(items["ct_head"])
    assert "头颅CT平扫" in client_for(clerk).get("/worklist/", **ENGLISH).text
