"""Assigning businesses to promoters and instructors (R-PPL-9), reassignment, revocation and scoping."""

import datetime

import pytest

from assignments.models import Assignment, PromoterArea
from conftest import form_data, login, make_appointment, make_business, make_person
from org.models import FiscalYear
from roster.models import BusinessStatus

YEAR = 2026


@pytest.fixture
def team(tokyo, osaka, people):
    """Two Tokyo promoters (one logs in as tokyo_promoter), a Tokyo instructor, and an Osaka promoter."""
    return {
        "alice": make_appointment(
            make_person(tokyo, "推進 アリス", user=people["tokyo_promoter"]), status="active"
        ),
        "bob": make_appointment(make_person(tokyo, "推進 ボブ"), status="active"),
        "ivan": make_appointment(
            make_person(tokyo, "指導 イワン", user=people["tokyo_instructor"]),
            role="instructor",
            status="active",
        ),
        "osaka": make_appointment(make_person(osaka, "大阪 推進"), status="active"),
    }


@pytest.fixture
def businesses(tokyo):
    shinjuku = [make_business(tokyo, f"新宿{i}", address=f"東京都新宿区西新宿{i}") for i in range(4)]
    minato = [make_business(tokyo, f"港{i}", address=f"東京都港区芝{i}") for i in range(2)]
    return shinjuku + minato


def _assign(client, ids, appointment_pk, **extra):
    data = {"year": YEAR, "business": [b.pk for b in ids], "appointment": appointment_pk, **extra}
    return client.post("/assignments/assign/", data, follow=True)


def test_staff_assign_in_bulk_and_reassignment_keeps_history(client, people, team, businesses):
    login(client, people["tokyo_staff"])
    response = _assign(client, businesses[:3], team["alice"].pk)
    assert "3件を割り当てました（推進 アリスさん 3件）" in response.content.decode()
    response = _assign(client, businesses[:1], team["bob"].pk)
    first = businesses[0]
    first.refresh_from_db()
    assert first.assigned_to == team["bob"]
    history = [(a.appointment_id, a.end_reason, a.ended_at is None) for a in first.assignments.all()]
    assert history == [(team["alice"].pk, "reassigned", False), (team["bob"].pk, "", True)]
    page = client.get(f"/roster/businesses/{first.pk}/").content.decode()
    assert "推進 アリス" in page and "担当替え" in page


def test_an_instructor_can_be_assigned_like_a_promoter_R_PPL_9(client, people, team, businesses):
    login(client, people["tokyo_staff"])
    _assign(client, businesses[:2], team["ivan"].pk)
    login(client, people["tokyo_instructor"])
    assert client.get(f"/roster/businesses/{businesses[0].pk}/").status_code == 200
    assert "新宿0" in client.get("/field/").content.decode()


def test_all_matching_a_filter_are_assigned_at_once(client, people, team, businesses):
    login(client, people["tokyo_staff"])
    response = _assign(client, [], team["alice"].pk, target="all", city="13103")
    assert "2件を割り当てました" in response.content.decode()
    assert {b.name for b in team["alice"].assigned_businesses.all()} == {"港0", "港1"}


def test_a_revoked_promoter_is_refused_with_a_clear_message(client, people, team, businesses):
    team["bob"].status, team["bob"].revoked_on = "revoked", datetime.date(2026, 6, 30)
    team["bob"].save()
    login(client, people["tokyo_staff"])
    response = _assign(client, businesses[:2], team["bob"].pk)
    assert (
        "推進 ボブさんの委嘱は令和8年6月30日に取り消されています。割り当てできません。"
        in response.content.decode()
    )
    assert not Assignment.objects.exists()


def test_another_branchs_promoter_is_refused_with_a_clear_message(client, people, team, businesses):
    login(client, people["tokyo_staff"])
    response = _assign(client, businesses[:2], team["osaka"].pk)
    assert "他の支部の人員は選べません" in response.content.decode()
    # HQ sees every branch's promoters; the rule still refuses, naming the promoter's branch.
    login(client, people["hq_staff"])
    response = _assign(client, businesses[:2], team["osaka"].pk, branch=businesses[0].branch_id)
    assert (
        "大阪 推進さんは大阪支部の推進員です。他の支部の推進員・指導員には東京支部の事業所を割り当てられません。"
        in response.content.decode()
    )
    assert not Assignment.objects.exists()


def test_another_branchs_businesses_and_pages_are_out_of_reach(client, people, team, businesses, tokyo):
    login(client, people["osaka_staff"])
    assert client.get("/assignments/", {"branch": tokyo.pk}).status_code == 404
    assert client.get("/assignments/workload/", {"branch": tokyo.pk}).status_code == 404
    assert client.get(f"/assignments/areas/{team['alice'].pk}/").status_code == 404
    response = client.post(
        "/assignments/assign/",
        {"branch": tokyo.pk, "business": [businesses[0].pk], "appointment": team["osaka"].pk},
    )
    assert response.status_code == 404
    # Tokyo's business ids posted to Osaka's own page are not found there.
    response = _assign(client, businesses[:2], team["osaka"].pk)
    assert "2件" in response.content.decode() and "見つかりません" in response.content.decode()
    assert not Assignment.objects.exists()


def test_finished_and_bureau_businesses_are_not_assigned(client, people, team, tokyo):
    done = make_business(tokyo, "成立済", status=BusinessStatus.ENROLLED)
    login(client, people["tokyo_staff"])
    client.post("/councils/division/apply/", {"year": YEAR, "min_workers": 50, "default": "bureau_guidance"})
    bureau = make_business(tokyo, "労働局分", workers=10)
    client.post("/councils/division/apply/", {"year": YEAR, "min_workers": 5, "default": "branch"})
    response = _assign(client, [done, bureau], team["alice"].pk).content.decode()
    assert "成立済：状態が「成立」のため割り当てできません。" in response
    assert "労働局分：労働局の手続指導に分担されているため割り当てできません。" in response
    assert not Assignment.objects.exists()


def test_a_selection_is_split_evenly_among_the_promoters_covering_each_city(client, people, team, businesses):
    for key in ("alice", "bob"):
        PromoterArea.objects.create(appointment=team[key], city_code="13104", city="新宿区")
    login(client, people["tokyo_staff"])
    data = {"year": YEAR, "business": [b.pk for b in businesses]}
    response = client.post("/assignments/split/", data, follow=True).content.decode()
    assert "4件を割り当てました（推進 アリスさん 2件、推進 ボブさん 2件）" in response
    assert "担当地域の推進員がいない事業所が2件あります（港区）" in response
    assert {b.assigned_to_id for b in businesses[4:]} == {None}


def test_split_evens_out_existing_workloads(client, people, team, tokyo):
    for key in ("alice", "bob"):
        PromoterArea.objects.create(appointment=team[key], city_code="13104", city="新宿区")
    earlier = [make_business(tokyo, f"既存{i}", address="東京都新宿区1") for i in range(3)]
    fresh = [make_business(tokyo, f"新規{i}", address="東京都新宿区2") for i in range(5)]
    login(client, people["tokyo_staff"])
    _assign(client, earlier, team["alice"].pk)
    client.post("/assignments/split/", {"year": YEAR, "business": [b.pk for b in fresh]})
    assert team["alice"].assigned_businesses.count() == 4
    assert team["bob"].assigned_businesses.count() == 4


def test_revocation_lists_the_promoters_open_businesses_to_reassign(client, people, team, businesses):
    login(client, people["tokyo_staff"])
    _assign(client, businesses[:3], team["alice"].pk)
    login(client, people["hq_admin"])
    response = client.post(
        f"/appointments/{team['alice'].pk}/revoke/",
        {"reason": "unable", "revoked_on": "2026-07-01"},
        follow=True,
    )
    assert "担当していた事業所3件は未割当になりました" in response.content.decode()
    login(client, people["tokyo_staff"])
    page = client.get("/assignments/").content.decode()
    assert "再割当を待っています" in page and "3件" in page
    waiting = client.get("/assignments/", {"assignee": "revoked", "status": "open"})
    assert waiting.context["matching"] == 3
    _assign(client, [], team["bob"].pk, target="all", assignee="revoked", status="open")
    assert team["bob"].assigned_businesses.count() == 3
    assert 'data-testid="to-reassign"' not in client.get("/assignments/").content.decode()
    # The revoked promoter no longer sees the businesses.
    login(client, people["tokyo_promoter"])
    assert client.get(f"/roster/businesses/{businesses[0].pk}/").status_code == 404


def test_a_promoter_sees_only_the_businesses_assigned_to_them(client, people, team, businesses):
    login(client, people["tokyo_staff"])
    _assign(client, businesses[:2], team["alice"].pk)
    _assign(client, businesses[2:4], team["bob"].pk)
    login(client, people["tokyo_promoter"])
    mine = client.get("/field/").content.decode()
    assert "新宿0" in mine and "新宿1" in mine and "新宿2" not in mine
    assert client.get(f"/roster/businesses/{businesses[0].pk}/").status_code == 200
    assert client.get(f"/roster/businesses/{businesses[2].pk}/").status_code == 404
    assert client.get("/assignments/").status_code == 403


def test_workload_shows_assigned_visited_and_open_per_promoter(client, people, team, businesses):
    login(client, people["tokyo_staff"])
    _assign(client, businesses[:3], team["alice"].pk)
    businesses[0].set_status(BusinessStatus.ALLOCATED)
    businesses[0].set_status(BusinessStatus.VISITED)
    rows = {
        r["appointment"].pk: r["appointment"] for r in client.get("/assignments/workload/").context["rows"]
    }
    alice = rows[team["alice"].pk]
    assert (alice.assigned, alice.visited, alice.open) == (3, 1, 2)
    assert rows[team["bob"].pk].assigned == 0


def test_areas_are_chosen_from_the_prefectures_cities(client, people, team):
    login(client, people["tokyo_staff"])
    response = client.get(f"/assignments/areas/{team['alice'].pk}/")
    page = response.content.decode()
    assert "八王子市" in page and "大阪市" not in page
    data = form_data(response, having="version_read")
    client.post(f"/assignments/areas/{team['alice'].pk}/", {**data, "city": ["13104", "13201", "27100"]})
    assert sorted(team["alice"].areas.values_list("city", flat=True)) == ["八王子市", "新宿区"]
    assert FiscalYear.objects.get(year=YEAR) == team["alice"].fiscal_year
