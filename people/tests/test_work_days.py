"""Coordinators' working days and pay (R-PPL-3): weekdays only, no holidays or year-end, 15 a month."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from conftest import login, make_appointment, make_person
from people import services
from people.models import CoordinatorTerms, WorkDay
from people.rules import is_workable_day


@pytest.fixture
def coordinator(tokyo):
    return make_appointment(make_person(tokyo, "促進 花子"), role="coordinator", status="active")


def toggle(actor, appointment, day):
    return services.work_day_toggle(actor=actor, appointment=appointment, day=day)


@pytest.mark.parametrize(
    ("day", "workable"),
    [
        (datetime.date(2026, 11, 24), True),  # Tuesday
        (datetime.date(2026, 11, 21), False),  # Saturday
        (datetime.date(2026, 11, 22), False),  # Sunday
        (datetime.date(2026, 11, 23), False),  # 勤労感謝の日
        (datetime.date(2026, 12, 29), False),  # year-end, a Tuesday
        (datetime.date(2027, 1, 4), True),  # Monday after the new-year break
        (datetime.date(2027, 1, 1), False),
    ],
)
def test_workable_days_R_PPL_3(day, workable):
    assert is_workable_day(day) is workable


def test_a_day_is_marked_and_unmarked(people, coordinator):
    day = datetime.date(2026, 11, 24)
    assert toggle(people["tokyo_staff"], coordinator, day) is True
    assert WorkDay.objects.filter(appointment=coordinator, day=day).exists()
    assert toggle(people["tokyo_staff"], coordinator, day) is False
    assert not WorkDay.objects.exists()


@pytest.mark.parametrize(
    "day", [datetime.date(2026, 11, 23), datetime.date(2026, 12, 30), datetime.date(2026, 11, 28)]
)
def test_holidays_weekends_and_year_end_are_refused_with_the_reason(people, coordinator, day):
    with pytest.raises(ValidationError, match="稼動日にできません"):
        toggle(people["tokyo_staff"], coordinator, day)


def test_at_most_fifteen_days_a_month_R_PPL_3(people, coordinator):
    weekdays = [
        d
        for d in (datetime.date(2026, 6, 1) + datetime.timedelta(n) for n in range(30))
        if is_workable_day(d)
    ]
    for day in weekdays[:15]:
        toggle(people["tokyo_staff"], coordinator, day)
    with pytest.raises(ValidationError, match="上限の15日"):
        toggle(people["tokyo_staff"], coordinator, weekdays[15])


def test_the_limit_is_the_years_setting(people, coordinator):
    CoordinatorTerms.objects.create(fiscal_year=coordinator.fiscal_year, monthly_day_limit=1)
    toggle(people["tokyo_staff"], coordinator, datetime.date(2026, 6, 1))
    with pytest.raises(ValidationError, match="上限の1日"):
        toggle(people["tokyo_staff"], coordinator, datetime.date(2026, 6, 2))


def test_days_outside_the_term_and_of_a_revoked_coordinator_are_refused(people, coordinator):
    with pytest.raises(ValidationError, match="委嘱期間外"):
        toggle(people["tokyo_staff"], coordinator, datetime.date(2027, 4, 1))
    coordinator.status = "revoked"
    coordinator.save()
    with pytest.raises(ValidationError, match="委嘱中の促進員ではない"):
        toggle(people["tokyo_staff"], coordinator, datetime.date(2026, 6, 1))


def test_the_calendar_marks_a_day_through_htmx_and_shows_the_months_pay(client, people, coordinator):
    login(client, people["tokyo_staff"])
    response = client.post(
        f"/appointments/{coordinator.pk}/work-days/toggle/",
        {"day": "2026-06-01"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert "この月の稼動日 <strong>1日</strong>" in page and "9,200円" in page
    response = client.post(f"/appointments/{coordinator.pk}/work-days/toggle/", {"day": "2026-06-06"})
    assert "6月6日（土曜）は稼動日にできません" in response.content.decode()


def test_pay_is_days_times_the_daily_rate_per_month_and_in_total(client, people, coordinator, osaka):
    other = make_appointment(make_person(osaka, "大阪 促進"), role="coordinator", status="active")
    for day in [datetime.date(2026, 6, 1), datetime.date(2026, 6, 2), datetime.date(2026, 7, 1)]:
        toggle(people["hq_admin"], coordinator, day)
    toggle(people["hq_admin"], other, datetime.date(2026, 6, 1))
    login(client, people["hq_staff"])
    response = client.get("/coordinators/pay/?year=2026")
    rows = {r["branch"]: r for r in response.context["rows"]}
    assert rows["東京支部"]["total"] == 3 * 9200
    assert response.context["totals"][2] == 3 * 9200  # June: two Tokyo days and one Osaka day
    assert response.context["grand_total"] == 4 * 9200
    client.logout()
    login(client, people["tokyo_staff"])
    assert [r["branch"] for r in client.get("/coordinators/pay/?year=2026").context["rows"]] == ["東京支部"]


def test_a_second_person_confirms_the_month_and_nobody_confirms_their_own_days_D_7(client, people, tokyo):
    # The coordinator has an account of branch staff and marks their own days.
    coordinator = make_appointment(
        make_person(tokyo, "促進 花子", user=people["tokyo_staff"]), role="coordinator", status="active"
    )
    login(client, people["tokyo_staff"])
    for day in ("2026-11-24", "2026-11-25"):
        client.post(f"/appointments/{coordinator.pk}/work-days/toggle/", {"day": day})
    page = client.get(f"/appointments/{coordinator.pk}/work-days/?month=2026-11").content.decode()
    assert "未確認 2日" in page and "自分の稼動日は確認できません。" in page
    response = client.post(
        f"/appointments/{coordinator.pk}/work-days/confirm/", {"month": "2026-11"}, follow=True
    )
    assert "自分の稼動日は確認できません。" in response.content.decode()
    assert not WorkDay.objects.filter(confirmed_at__isnull=False).exists()
    # A colleague confirms; the days are then fixed and the confirmation is audited.
    login(client, people["tokyo_admin"])
    response = client.post(
        f"/appointments/{coordinator.pk}/work-days/confirm/", {"month": "2026-11"}, follow=True
    )
    assert "11月の稼動日2日を確認しました。" in response.content.decode()
    assert set(WorkDay.objects.values_list("confirmed_by", flat=True)) == {people["tokyo_admin"].pk}
    assert AuditEntry.objects.filter(
        object_repr__contains="稼動日2日を確認", actor=people["tokyo_admin"]
    ).exists()
    with pytest.raises(ValidationError, match="確認済みのため変更できません"):
        toggle(people["tokyo_admin"], coordinator, datetime.date(2026, 11, 24))
    # Another branch cannot confirm (404).
    login(client, people["osaka_admin"])
    assert (
        client.post(f"/appointments/{coordinator.pk}/work-days/confirm/", {"month": "2026-11"}).status_code
        == 404
    )


def test_whoever_marked_a_day_does_not_confirm_it_D_7(people, coordinator):
    toggle(people["tokyo_staff"], coordinator, datetime.date(2026, 11, 24))
    with pytest.raises(ValidationError, match="自分で登録した稼動日は確認できません"):
        services.work_days_confirm(
            actor=people["tokyo_staff"], appointment=coordinator, month=datetime.date(2026, 11, 1)
        )
