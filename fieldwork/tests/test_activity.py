"""Branch and HQ see visits and enrolments per promoter, city and month; the monthly outreach report (R-VIS-3)."""

import datetime
import re
import uuid
from urllib.parse import quote

import pytest
from django.utils import timezone

from conftest import login, make_appointment, make_business, make_person
from fieldwork.models import Enrolment, Visit


@pytest.fixture
def records(tokyo, osaka, people):
    alice = make_appointment(
        make_person(tokyo, "推進 アリス", user=people["tokyo_promoter"]), status="active"
    )
    bob = make_appointment(make_person(tokyo, "推進 ボブ"), status="active")
    shinjuku = make_business(tokyo, "新宿商事", address="東京都新宿区1")
    minato = make_business(tokyo, "港運輸", address="東京都港区1")

    def visit(appointment, business, day, method="direct"):
        Visit.objects.create(
            business=business,
            appointment=appointment,
            visited_on=day,
            method=method,
            outcome="explained",
            met="代表者",
            topics=["system"],
            client_key=uuid.uuid4(),
            recorded_by=people["tokyo_promoter"],
        )

    visit(alice, shinjuku, datetime.date(2026, 10, 1))
    visit(alice, shinjuku, datetime.date(2026, 10, 8))
    visit(alice, minato, datetime.date(2026, 10, 9), method="phone")
    visit(bob, minato, datetime.date(2026, 9, 30))
    Enrolment.objects.create(
        business=shinjuku,
        kind="unified_both",
        insurance_number="13101123456000",
        enrolled_on=datetime.date(2026, 10, 20),
        appointment=alice,
        recorded_by=people["tokyo_promoter"],
    )
    Enrolment.objects.create(
        business=minato,
        kind="unified_koyou",
        insurance_number="13101123457000",
        enrolled_on=datetime.date(2026, 10, 21),
        appointment=bob,
        recorded_by=people["tokyo_staff"],
    )
    osaka_person = make_appointment(make_person(osaka, "大阪 推進"), status="active")
    visit(
        osaka_person,
        make_business(osaka, "大阪商店", address="大阪府大阪市北区1"),
        datetime.date(2026, 10, 2),
    )
    return {"alice": alice, "bob": bob}


def test_visits_and_enrolments_per_promoter_city_and_month_R_VIS_2_R_VIS_5(client, people, records):
    login(client, people["tokyo_staff"])
    response = client.get("/field/activity/", {"year": 2026})
    people_rows = {r["label"]: r for r in response.context["people"]}
    alice = people_rows["推進 アリス"]
    assert (alice["direct"], alice["others"], alice["businesses"], alice["enrolments"], alice["counted"]) == (
        2,
        1,
        1,
        1,
        1,
    )
    # An employment-insurance-only enrolment is an enrolment but not one counted for targets.
    assert (people_rows["推進 ボブ"]["enrolments"], people_rows["推進 ボブ"]["counted"]) == (1, 0)
    cities = {r["label"]: r["direct"] for r in response.context["cities"]}
    assert cities == {"新宿区": 2, "港区": 1}
    months = {r["label"]: r["direct"] for r in response.context["by_month"]}
    assert (months["9月"], months["10月"], months["4月"]) == (1, 2, 0)
    assert response.context["totals"]["direct"] == 3  # Osaka's visit is not Tokyo's
    october = client.get("/field/activity/", {"year": 2026, "month": 10})
    assert {r["label"] for r in october.context["people"]} == {"推進 アリス", "推進 ボブ"}
    assert "加入勧奨状況報告書（PDF）" in october.content.decode()


def test_another_branchs_activity_is_not_found(client, people, records, tokyo):
    login(client, people["osaka_staff"])
    assert client.get("/field/activity/", {"branch": tokyo.pk}).status_code == 404
    assert client.get(f"/field/report/{records['alice'].pk}/2026/10/").status_code == 404


def _pages(body: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", body))


def test_the_outreach_report_prints_original_and_copy_R_VIS_3(client, people, records, tokyo):
    login(client, people["tokyo_promoter"])
    response = client.get(f"/field/report/{records['alice'].pk}/2026/10/")
    assert response["Content-Type"] == "application/pdf"
    assert _pages(response.content) == 2  # 正 and 副, one page each
    # A month of many visits runs over several pages, the copy as long as the original.
    business = make_business(tokyo, "常連商事")
    for day in range(1, 29):
        for _ in range(2):
            Visit.objects.create(
                business=business,
                appointment=records["alice"],
                visited_on=datetime.date(2026, 11, day),
                outcome="absent",
                client_key=uuid.uuid4(),
                recorded_by=people["tokyo_promoter"],
            )
    pages = _pages(client.get(f"/field/report/{records['alice'].pk}/2026/11/").content)
    assert pages >= 4 and pages % 2 == 0
    assert client.get(f"/field/report/{records['bob'].pk}/2026/10/").status_code == 404


def test_the_worklist_links_the_promoters_own_report_of_this_month_R_VIS_3(client, people, records):
    login(client, people["tokyo_promoter"])
    today = timezone.localdate()
    link = f"/field/report/{today.year}/{today.month}/"
    assert f'href="{link}"' in client.get("/field/").content.decode()
    # The link finds the appointment of the month asked for: the same PDF as the staff's link.
    mine = client.get("/field/report/2026/10/")
    assert mine["Content-Type"] == "application/pdf"
    assert mine.content.count(b"/Type /Page") == client.get(
        f"/field/report/{records['alice'].pk}/2026/10/"
    ).content.count(b"/Type /Page")
    assert quote("推進 アリス") in mine["Content-Disposition"]


def test_without_an_appointment_that_month_the_promoter_is_told_why(client, people, records):
    login(client, people["tokyo_promoter"])
    response = client.get("/field/report/2024/10/", follow=True)
    assert response.redirect_chain[-1][0] == "/field/"
    assert "この月の委嘱が確認できないため" in response.content.decode()
    assert client.get("/field/report/2026/13/").status_code == 404
    login(client, people["tokyo_staff"])
    assert client.get("/field/report/2026/10/").status_code == 403
