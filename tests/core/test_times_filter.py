"""The lists' cheap clock filter (`{% load times %}`) shows what Django's `date` filter shows,
in the department's time zone, across midnight too."""

import datetime as dt

from django.template import engines

LISTS = '{% load times %}{{ t|local:"%m-%d %H:%M" }}|{{ none|local:"%m-%d"|default:"—" }}'
DJANGO = '{{ t|date:"m-d H:i" }}'


def test_local_is_the_date_filter_in_the_hospitals_time_zone():
    late_evening_utc = dt.datetime(2026, 12, 2, 17, 30, tzinfo=dt.UTC)  # 01:30 in Beijing
    ours = engines["django"].from_string(LISTS).render({"t": late_evening_utc, "none": None})
    django = engines["django"].from_string(DJANGO).render({"t": late_evening_utc})
    assert ours == "12-03 01:30|—"
    assert ours.split("|")[0] == django
