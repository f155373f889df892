"""Employer briefings and their attendance against the target (R-EVT-1)."""

import datetime
import uuid

import pytest

from conftest import login, make_appointment, make_business, make_person
from events import measures
from events.models import Briefing, BriefingAttendance, EventSettings
from fieldwork.models import Visit
from org.models import FiscalYear


def _briefing(client, **fields):
    data = {
        "branch": fields.pop("branch", ""),
        "year": 2026,
        "title": "労働保険制度説明会",
        "planned_on": "2026-06-10",
        "held_on": "2026-06-10",
        "partner": "chamber",
        "partner_name": "千代田商工会議所",
        "venue": "千代田区民会館",
        "presenter": "東京支部 促進員",
        **fields,
    }
    return client.post("/events/briefings/new/", data, follow=True)


def test_a_briefing_is_planned_held_and_attended_by_roster_businesses(client, people, tokyo, osaka):
    login(client, people["tokyo_staff"])
    page = _briefing(client, planned_on="2027-04-10", held_on="").content.decode()
    assert "令和8年度（2026年度）の期間内の日付にしてください。" in page
    page = _briefing(client, partner_name="").content.decode()
    assert "共催団体名を入力してください。" in page
    assert not Briefing.objects.exists()
    _briefing(client)
    briefing = Briefing.objects.get()
    assert (briefing.branch, briefing.fiscal_year.year) == (tokyo, 2026)
    ours = make_business(tokyo, "説明会商事")
    theirs = make_business(osaka, "大阪商事", address="大阪府大阪市北区1-1")
    found = client.get(f"/events/briefings/{briefing.pk}/search/", {"q": "商事"}).content.decode()
    assert "説明会商事" in found and "大阪商事" not in found
    page = client.post(
        f"/events/briefings/{briefing.pk}/attendees/", {"business": ours.pk, "people": 2}, follow=True
    )
    assert "「説明会商事」を参加事業所に追加しました。" in page.content.decode()
    again = client.post(f"/events/briefings/{briefing.pk}/attendees/", {"business": ours.pk}, follow=True)
    assert "既にこの説明会の参加事業所です" in again.content.decode()
    # Another branch's business: not found, nothing added.
    assert (
        client.post(f"/events/briefings/{briefing.pk}/attendees/", {"business": theirs.pk}).status_code == 404
    )
    client.post(f"/events/briefings/{briefing.pk}/attendees/", {"name": "名簿外の店", "people": 1})
    assert list(BriefingAttendance.objects.values_list("name", "people", "business")) == [
        ("説明会商事", 2, ours.pk),
        ("名簿外の店", 1, None),
    ]
    # The business's history shows the briefing it attended.
    history = client.get(f"/roster/businesses/{ours.pk}/").content.decode()
    assert "労働保険制度説明会（2人）" in history


def _visited(people, tokyo, count):
    promoter = make_appointment(make_person(tokyo, "推進 花子"), status="active")
    for n in range(count):
        Visit.objects.create(
            business=make_business(tokyo, f"訪問先{n}"),
            appointment=promoter,
            visited_on=datetime.date(2026, 5, 1),
            method="direct",
            outcome="explained",
            client_key=uuid.uuid4(),
            recorded_by=people["tokyo_staff"],
        )


@pytest.mark.parametrize(("percent", "target"), [(20, 3), (10, 2), (50, 6)])
def test_the_target_is_a_share_of_the_businesses_visited_rounded_up_R_EVT_1(people, tokyo, percent, target):
    _visited(people, tokyo, 11)
    fiscal_year = FiscalYear.objects.get(year=2026)
    if percent != 20:  # 20% unless HQ sets another figure for the year
        EventSettings.objects.create(fiscal_year=fiscal_year, briefing_percent=percent)
    assert measures.briefing_targets(fiscal_year) == {tokyo.pk: target}


def test_only_held_briefings_count_and_the_overview_shows_each_branch(client, people, tokyo, osaka):
    _visited(people, tokyo, 10)
    fiscal_year = FiscalYear.objects.get(year=2026)
    for held in (datetime.date(2026, 7, 1), None):
        briefing = Briefing.objects.create(
            branch=tokyo,
            fiscal_year=fiscal_year,
            title="説明会",
            planned_on=datetime.date(2026, 7, 1),
            held_on=held,
            venue="会場",
            presenter="支部",
            created_by=people["tokyo_staff"],
        )
        BriefingAttendance.objects.create(briefing=briefing, name="参加者")
    assert measures.briefing_attendance(fiscal_year) == {tokyo.pk: 1}
    login(client, people["hq_staff"])
    page = client.get("/events/", {"year": 2026}).content.decode()
    assert 'data-testid="briefing-total">1<small class="fs-6"> / 2件' in page
    login(client, people["osaka_staff"])
    page = client.get("/events/").content.decode()
    assert "東京支部" not in page and "大阪支部" in page
    assert client.get(f"/events/briefings/{briefing.pk}/").status_code == 404
