"""Recording visits from the field (R-VIS-1 … R-VIS-3, R-PPL-9), through the promoter's pages."""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assignments.services import assignments_assign
from conftest import login, make_appointment, make_business, make_person, make_user, names_shown
from fieldwork.models import Visit
from org.models import FiscalYear
from org.roles import Role
from roster.models import BusinessStatus

YEAR = 2026


@pytest.fixture
def field(tokyo, people):
    """Alice (tokyo_promoter) holds two businesses; Ivan (tokyo_instructor) none; one business is Bob's."""
    staff = people["tokyo_staff"]
    alice = make_appointment(
        make_person(tokyo, "推進 アリス", user=people["tokyo_promoter"]), status="active"
    )
    ivan = make_appointment(
        make_person(tokyo, "指導 イワン", user=people["tokyo_instructor"]), role="instructor", status="active"
    )
    bob = make_appointment(make_person(tokyo, "推進 ボブ"), status="active")
    mine = [
        make_business(tokyo, f"担当{i}", status=BusinessStatus.ALLOCATED, phone="03-1111-2222")
        for i in range(2)
    ]
    other = make_business(tokyo, "他人の担当", status=BusinessStatus.ALLOCATED)
    _give(staff, mine, alice)
    _give(staff, [other], bob)
    return {"alice": alice, "ivan": ivan, "bob": bob, "mine": mine, "other": other}


def _give(staff, businesses, appointment):
    """Assign ``businesses`` to ``appointment`` as the branch's staff does."""
    assignments_assign(
        actor=staff,
        branch=appointment.branch,
        fiscal_year=FiscalYear.objects.get(year=YEAR),
        business_ids=[b.pk for b in businesses],
        appointment=appointment,
    )


def _visit(**fields):
    data = {
        "client_key": str(uuid.uuid4()),
        "visited_on": timezone.localdate().isoformat(),
        "method": "direct",
        "outcome": "explained",
        "topics": ["system", "obligation"],
    }
    data.update(fields)
    return data


@pytest.fixture(autouse=True)
def during_the_year(monkeypatch):
    """Tests run as if on a day of fiscal year 2026, whatever today is."""
    moment = timezone.make_aware(datetime.datetime(2026, 10, 15, 10, 0))
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


def test_the_worklist_shows_the_promoters_businesses_by_area_with_their_visits(client, people, field):
    login(client, people["tokyo_promoter"])
    page = client.get("/field/").content.decode()
    assert "担当0" in page and "担当1" in page and "他人の担当" not in page
    assert "千代田区" in page and 'href="tel:03-1111-2222"' in page
    assert names_shown(client.get("/field/", {"q": "担当1"})) == ["担当1"]


def _minutes_later(monkeypatch, minutes):
    """The clock moves on, as it does between two changes in the field."""
    moment = timezone.make_aware(datetime.datetime(2026, 10, 15, 10, 0)) + datetime.timedelta(minutes=minutes)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


def _card(page: str, name: str) -> str:
    """The card of the business ``name`` on a worklist page."""
    (card,) = [
        c for c in page.split('data-testid="business-card"') if f'data-testid="business-name">{name}<' in c
    ]
    return card


def test_the_worklist_is_kept_until_what_it_shows_changes(client, people, field, tokyo, monkeypatch):
    login(client, people["tokyo_promoter"])
    first = client.get("/field/").content.decode()
    with CaptureQueriesContext(connection) as again:
        kept = client.get("/field/").content.decode()
    # Kept: one small query tells it is unchanged; no business row is read or rendered again.
    assert not any('"roster_business"."name"' in q["sql"] for q in again.captured_queries)
    assert names_shown(client.get("/field/")) == ["担当0", "担当1"] and "訪問 0回" in kept
    assert first.count('data-testid="business-card"') == kept.count('data-testid="business-card"') == 2

    # A visit recorded from the phone: its card shows it at once.
    _minutes_later(monkeypatch, 1)
    first_business, second_business = field["mine"]
    client.post(
        f"/field/businesses/{first_business.pk}/visit/", _visit(next_action="再訪問", next_on="2026-10-22")
    )
    page = client.get("/field/").content.decode()
    assert "訪問 1回・次の対応：再訪問" in _card(page, "担当0") and "訪問 0回" in _card(page, "担当1")
    # The second visit leaves the business as it was (already 訪問済): the visit alone shows.
    _minutes_later(monkeypatch, 1.5)
    client.post(f"/field/businesses/{first_business.pk}/visit/", _visit(next_action="書類を届ける"))
    assert "訪問 2回・次の対応：書類を届ける" in _card(client.get("/field/").content.decode(), "担当0")

    # A business renamed (as the NTA feed does), one moved to another promoter, one newly assigned.
    _minutes_later(monkeypatch, 2)
    second_business.refresh_from_db()
    second_business.name = "担当1（新商号）"
    second_business.save()
    assert names_shown(client.get("/field/")) == ["担当0", "担当1（新商号）"]
    _minutes_later(monkeypatch, 3)
    _give(people["tokyo_staff"], [first_business], field["bob"])
    _give(
        people["tokyo_staff"],
        [make_business(tokyo, "担当2", status=BusinessStatus.ALLOCATED)],
        field["alice"],
    )
    assert names_shown(client.get("/field/")) == ["担当1（新商号）", "担当2"]
    # Another field user's worklist is never the one kept for Alice.
    login(client, people["tokyo_instructor"])
    assert names_shown(client.get("/field/")) == []


def test_the_visit_form_needs_as_many_queries_for_a_thousand_companions_as_for_two(
    client, people, field, tokyo, django_assert_max_num_queries
):
    """A national branch lists about a thousand promoters as possible companions; naming each with
    its year cost a query apiece (666 ms a page under the load benchmark)."""
    login(client, people["tokyo_promoter"])
    url = f"/field/businesses/{field['mine'][0].pk}/visit/"
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "指導員 指導 イワン" in page and page.index("指導 イワン") < page.index("推進 ボブ")
    for i in range(20):
        make_appointment(make_person(tokyo, f"推進 {i:02}"), status="active")
    with django_assert_max_num_queries(len(few)):
        client.get(url)


def test_a_long_worklist_comes_a_phone_page_at_a_time_and_search_keeps_its_pages(
    client, people, field, tokyo
):
    more = [make_business(tokyo, f"追加{i:02}", status=BusinessStatus.ALLOCATED) for i in range(40)]
    _give(people["tokyo_staff"], more, field["alice"])
    login(client, people["tokyo_promoter"])
    first = client.get("/field/").content.decode()
    assert "担当事業所（42件）" in first and first.count('data-testid="business-card"') == 30
    assert "1 / 2ページ（全42件）" in first and 'href="?page=2"' in first
    second = client.get("/field/", {"page": 2}).content.decode()
    assert second.count('data-testid="business-card"') == 12
    found = client.get("/field/", {"q": "追加"}).content.decode()
    assert 'href="?q=%E8%BF%BD%E5%8A%A0&page=2"' in found


def test_a_direct_visit_is_recorded_and_the_business_becomes_visited_R_VIS_2(client, people, field):
    business = field["mine"][0]
    login(client, people["tokyo_promoter"])
    form = client.get(f"/field/businesses/{business.pk}/visit/").content.decode()
    assert "直接訪問だけが加入勧奨として数えられ" in form
    response = client.post(
        f"/field/businesses/{business.pk}/visit/", _visit(met="代表者", next_action="書類を持参"), follow=True
    )
    assert "「担当0」への直接訪問を記録しました。" in response.content.decode()
    visit = Visit.objects.get()
    assert (visit.appointment, visit.is_outreach, visit.topic_labels[0]) == (
        field["alice"],
        True,
        "労働保険制度の概要",
    )
    business.refresh_from_db()
    assert business.status == BusinessStatus.VISITED
    assert "次の対応：書類を持参" in client.get("/field/").content.decode()


def test_a_telephone_call_is_recorded_but_is_not_outreach_R_VIS_2(client, people, field):
    business = field["mine"][0]
    login(client, people["tokyo_promoter"])
    client.post(f"/field/businesses/{business.pk}/visit/", _visit(method="phone", outcome="absent"))
    assert not Visit.objects.get().is_outreach
    business.refresh_from_db()
    assert business.status == BusinessStatus.ALLOCATED


def test_a_refusal_and_a_closure_move_the_business_on(client, people, field):
    first, second = field["mine"]
    login(client, people["tokyo_promoter"])
    client.post(f"/field/businesses/{first.pk}/visit/", _visit(outcome="refused"))
    client.post(f"/field/businesses/{second.pk}/visit/", _visit(outcome="closed"))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (BusinessStatus.REFUSED, BusinessStatus.CLOSED)
    # A closed business leaves the worklist.
    assert names_shown(client.get("/field/")) == ["担当0"]


def test_a_draft_sent_twice_is_recorded_once(client, people, field):
    business = field["mine"][0]
    login(client, people["tokyo_promoter"])
    data = _visit()
    url = f"/field/businesses/{business.pk}/visit/"
    first = client.post(url, data, headers={"X-Issou-Draft": "1"})
    again = client.post(url, data, headers={"X-Issou-Draft": "1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["message"] == "この訪問は記録済みです。"
    assert Visit.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"visited_on": "2026-10-16"}, "未来の日付は入力できません"),
        ({"visited_on": "2026-04-01"}, "担当の割当日"),
        ({"outcome": ""}, "結果"),
        ({"visited_on": "2026/99/99"}, "訪問日"),
    ],
)
def test_bad_visits_get_a_clear_message_and_save_nothing(client, people, field, fields, message):
    login(client, people["tokyo_promoter"])
    url = f"/field/businesses/{field['mine'][0].pk}/visit/"
    response = client.post(url, _visit(**fields))
    assert message in response.content.decode()
    draft = client.post(url, _visit(**fields), headers={"X-Issou-Draft": "1"})
    assert draft.status_code == 400 and message in str(draft.json()["errors"])
    assert not Visit.objects.exists()


def test_another_promoters_business_is_not_found(client, people, field, osaka):
    login(client, people["tokyo_promoter"])
    assert client.post(f"/field/businesses/{field['other'].pk}/visit/", _visit()).status_code == 404
    osaka_business = make_business(osaka, "大阪の事業所")
    assert client.get(f"/field/businesses/{osaka_business.pk}/visit/").status_code == 404
    assert not Visit.objects.exists()


def test_an_instructor_records_a_visit_accompanying_the_promoter_R_PPL_9(client, people, field):
    login(client, people["tokyo_instructor"])
    business = field["mine"][0]
    # The business is Alice's, so the instructor reaches it only as her companion.
    assert client.get(f"/field/businesses/{business.pk}/visit/").status_code == 404
    assignments_assign(
        actor=people["tokyo_staff"],
        branch=business.branch,
        fiscal_year=field["ivan"].fiscal_year,
        business_ids=[business.pk],
        appointment=field["ivan"],
    )
    response = client.post(
        f"/field/businesses/{business.pk}/visit/", _visit(companion=field["alice"].pk), follow=True
    )
    assert "直接訪問を記録しました" in response.content.decode()
    visit = Visit.objects.get()
    assert (visit.appointment, visit.companion) == (field["ivan"], field["alice"])


def test_office_staff_do_not_use_the_field_pages(client, people, field):
    login(client, people["tokyo_staff"])
    assert client.get("/field/").status_code == 403


def test_a_visit_reporting_an_enrolment_leads_on_to_recording_it(client, people, field):
    business = field["mine"][0]
    login(client, people["tokyo_promoter"])
    response = client.post(f"/field/businesses/{business.pk}/visit/", _visit(outcome="enrolled"))
    assert response["Location"] == f"/field/businesses/{business.pk}/enrolment/"


def _form_key(client, business) -> str:
    """The send key in the visit form as it is shown to whoever is signed in on ``client``."""
    page = client.get(f"/field/businesses/{business.pk}/visit/").content.decode()
    return re.search(r'name="client_key" value="([^"]+)"', page).group(1)


def test_a_visit_typed_by_one_promoter_is_refused_under_another_on_a_shared_phone_D_4(
    client, tokyo, people, field
):
    """Promoter A's offline draft, sent while B was signed in on the same phone, was
    recorded as B's visit (B would earn the fee, and the direct visit a success fee needs, D-4)."""
    business = field["mine"][0]
    login(client, people["tokyo_promoter"])
    alices_key = _form_key(client, business)
    # The business has since gone to Bea, who signs in on the phone Alice left her draft on.
    bea = make_user("tokyo_promoter_bea", Role.PROMOTER, tokyo)
    _give(
        people["tokyo_staff"],
        [business],
        make_appointment(make_person(tokyo, "推進 ビー", user=bea), status="active"),
    )
    login(client, bea)
    refused = client.post(f"/field/businesses/{business.pk}/visit/", _visit(client_key=alices_key))
    assert "別の方が入力したもの" in refused.content.decode()
    draft = {
        "client_key": alices_key,
        "business_id": business.pk,
        "visited_on": "2026-10-15",
        "outcome": "explained",
    }
    sent = client.post("/api/v1/visits/bulk", {"visits": [draft]}, content_type="application/json").json()
    assert sent["results"][0]["status"] == "error"
    assert "別の方が入力したもの" in sent["results"][0]["errors"][0]["message"]
    assert not Visit.objects.exists()
    # Her own form's key is hers: that visit is recorded, as hers.
    client.post(f"/field/businesses/{business.pk}/visit/", _visit(client_key=_form_key(client, business)))
    assert Visit.objects.get().recorded_by == bea
