"""The roster list: a branch's pages kept until one of its businesses changes, its filters
kept from page to page, and HQ's national list read as before."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import login, make_business, names_shown
from roster.models import Business, BusinessStatus


@pytest.fixture
def clock(monkeypatch):
    """The clock, moved on by hand between two changes as time moves on between two edits."""
    start = timezone.make_aware(datetime.datetime(2026, 10, 15, 10, 0))

    def at(minutes: int) -> None:
        monkeypatch.setattr("django.utils.timezone.now", lambda: start + datetime.timedelta(minutes=minutes))

    at(0)
    return at


def test_a_branchs_list_is_kept_until_one_of_its_businesses_changes(client, people, tokyo, osaka, clock):
    first = make_business(tokyo, "青葉商事", status=BusinessStatus.IDENTIFIED)
    make_business(tokyo, "赤坂工業")
    login(client, people["tokyo_staff"])
    assert names_shown(client.get("/roster/")) == ["赤坂工業", "青葉商事"]
    with CaptureQueriesContext(connection) as again:
        assert names_shown(client.get("/roster/")) == ["赤坂工業", "青葉商事"]
    # Kept: no business row was read again.
    assert not any('"roster_business"."name"' in q["sql"] for q in again.captured_queries)

    clock(1)
    first.set_status(BusinessStatus.ON_ROSTER)
    assert "名簿登載" in client.get("/roster/").content.decode().split("青葉商事")[1].split("</tr>")[0]
    clock(2)
    make_business(tokyo, "池袋物産")
    assert names_shown(client.get("/roster/")) == ["池袋物産", "赤坂工業", "青葉商事"]
    # Another branch's change does not touch Tokyo's list, and Osaka never sees Tokyo's.
    clock(3)
    make_business(osaka, "難波商店")
    assert names_shown(client.get("/roster/")) == ["池袋物産", "赤坂工業", "青葉商事"]
    login(client, people["osaka_staff"])
    assert names_shown(client.get("/roster/")) == ["難波商店"]
    # HQ reads the nation's list (not kept: versioning 100,000 rows would cost more than reading a page).
    login(client, people["hq_staff"])
    assert len(names_shown(client.get("/roster/"))) == 4


def test_the_status_filter_and_search_are_kept_in_the_list_and_from_page_to_page(client, people, tokyo):
    for i in range(55):
        make_business(tokyo, f"商事{i:02d}", status=BusinessStatus.ON_ROSTER)
    make_business(tokyo, "成立商事", status=BusinessStatus.ENROLLED)
    login(client, people["tokyo_staff"])
    page = client.get("/roster/", {"status": BusinessStatus.ON_ROSTER}).content.decode()
    assert "全55件" in page and "成立商事" not in page
    # The next page keeps the filter (it used to drop it and show every status).
    assert 'href="?status=on_roster&page=2"' in page
    second = client.get("/roster/", {"status": BusinessStatus.ON_ROSTER, "page": "2"})
    assert names_shown(second) == ["商事50", "商事51", "商事52", "商事53", "商事54"]
    assert names_shown(client.get("/roster/", {"q": "成立"})) == ["成立商事"]
    assert Business.objects.count() == 56


def test_a_search_says_how_many_businesses_it_found_even_on_one_page(client, people, tokyo):
    for name in ("成立商事", "成立工業", "青葉商店"):
        make_business(tokyo, name)
    login(client, people["tokyo_staff"])
    found = client.get("/roster/", {"q": "成立"}).content.decode()
    assert sorted(names_shown(client.get("/roster/", {"q": "成立"}))) == ["成立商事", "成立工業"]
    assert "検索結果 <strong>2</strong>件" in found
    assert "<strong>3</strong>件" in client.get("/roster/").content.decode()
