"""Branch staff in a real browser: the postal code fills the address, a calendar day is marked."""

import datetime

import pytest

from conftest import make_appointment, make_person, make_user
from org.models import Branch
from org.roles import Role
from tests.browser.conftest import SHOTS, log_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_register_a_person_with_the_postal_code_filling_the_address(browser_page, live_server):
    tokyo = Branch.objects.get(prefecture__code="13")
    make_user("tokyo_people", Role.BRANCH_STAFF, tokyo)
    log_in(browser_page, live_server.url, "tokyo_people")
    page = browser_page
    page.goto(f"{live_server.url}/people/new/")
    page.locator("#id_full_name").fill("郵便 太郎")
    page.locator("#id_full_name_kana").fill("ユウビン タロウ")
    page.get_by_label("郵便番号").fill("1000013")
    page.locator("#id_city[value='千代田区']").wait_for()
    assert page.get_by_label("町域").input_value() == "霞が関"
    page.get_by_role("button", name="保存").click()
    assert page.get_by_role("heading", name="郵便 太郎").is_visible()
    assert "東京都千代田区霞が関" in page.content()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_mark_a_coordinators_working_day_on_the_calendar(browser_page, live_server):
    tokyo = Branch.objects.get(prefecture__code="13")
    make_user("hq_for_calendar", Role.HQ_ADMIN)
    make_user("tokyo_calendar", Role.BRANCH_STAFF, tokyo)
    appointment = make_appointment(make_person(tokyo, "暦 花子"), role="coordinator", status="active")
    log_in(browser_page, live_server.url, "tokyo_calendar")
    page = browser_page
    page.goto(f"{live_server.url}/appointments/{appointment.pk}/work-days/?month=2026-06")
    page.get_by_role("button", name="6月1日").click()
    page.get_by_role("button", name="6月1日（稼動）").wait_for()
    assert "この月の稼動日 1日" in page.get_by_test_id("month-summary").inner_text()
    assert appointment.work_days.get().day == datetime.date(2026, 6, 1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "work_days.png", full_page=True)
