"""The date filters every page uses (dates in one style per screen, 和暦)."""

import datetime

from django.template import Context, Template
from django.utils import timezone


def _render(text: str, **values) -> str:
    return Template("{% load wareki %}" + text).render(Context(values))


def test_a_moment_shows_as_the_day_and_time_in_japan():
    # 15:05 UTC on 30 November is 00:05 on 1 December in Japan.
    moment = datetime.datetime(2026, 11, 30, 15, 5, tzinfo=datetime.UTC)
    assert _render("{{ m|wareki_time }}", m=moment) == "令和8年12月1日 00:05"
    assert _render("{{ m|wareki }}", m=moment) == "令和8年12月1日"
    assert _render("{{ d|wareki }}", d=datetime.date(2019, 4, 30)) == "平成31年4月30日"
    assert _render("[{{ m|wareki_time }}]", m=None) == "[]"


def test_numbers_as_offices_write_them():
    assert _render("{{ n|insurance_number }}", n="13101123456000") == "13-1-01-123456-000"
    assert _render("{{ n|insurance_number }}", n="見当たらない") == "見当たらない"
    assert _render("{{ p|postal }}", p="1510053") == "151-0053"
    assert _render("{{ p|postal }}", p="") == ""
    assert timezone.get_current_timezone_name() == "Asia/Tokyo"
