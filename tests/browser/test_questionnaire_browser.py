"""A seminar participant answers the questionnaire on a phone, without an account (R-EVT-4)."""

import pytest
from django.utils import timezone

from conftest import make_appointment, make_person, make_user
from events.models import Dispatch, Question, Response
from lib import wareki
from org.models import Branch, FiscalYear
from org.roles import Role
from tests.browser.conftest import SHOTS

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_participant_answers_on_a_phone_and_cannot_answer_twice(browser_page, live_server):
    tokyo = Branch.objects.get(prefecture__code="13")
    year = FiscalYear.objects.get(year=wareki.fiscal_year_of(timezone.localdate()))
    staff = make_user("tokyo_q_staff", Role.BRANCH_STAFF, tokyo)
    lecturer = make_appointment(
        make_person(tokyo, "講師 恵子"), role="lecturer", status="active", year=year.year, requested_by=staff
    )
    dispatch = Dispatch.objects.create(
        branch=tokyo,
        fiscal_year=year,
        title="創業セミナー はじめての労働保険",
        organiser="千代田商工会議所",
        held_on=timezone.localdate(),
        place="商工会館",
        lecturer=lecturer,
        created_by=staff,
    )
    first = Question.objects.create(
        fiscal_year=year,
        order=1,
        text="内容は参考になりましたか",
        choices=["参考になった", "ならなかった"],
        required=True,
    )
    second = Question.objects.create(
        fiscal_year=year, order=2, text="関心のある制度", kind="many", choices=["労災保険", "雇用保険"]
    )
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/q/{dispatch.token}/")
    # Sent without the required answer: the page says which question, and keeps nothing.
    page.get_by_role("button", name="送信する").click()
    page.get_by_test_id("errors").wait_for()
    assert "「内容は参考になりましたか」に回答してください。" in page.get_by_test_id("errors").inner_text()
    page.get_by_label("参考になった", exact=True).check()
    page.get_by_label("雇用保険").check()
    page.screenshot(path=str(SHOTS / "questionnaire_phone.png"), full_page=True)
    page.get_by_role("button", name="送信する").click()
    page.get_by_test_id("thanks").wait_for()
    assert list(Response.objects.values_list("answers", flat=True)) == [
        {str(first.pk): "参考になった", str(second.pk): ["雇用保険"]}
    ]
    # The same phone again: politely refused, still one answer.
    page.goto(f"{live_server.url}/q/{dispatch.token}/")
    page.get_by_label("ならなかった").check()
    page.get_by_role("button", name="送信する").click()
    page.get_by_test_id("errors").wait_for()
    assert "既に回答をいただいています" in page.get_by_test_id("errors").inner_text()
    assert Response.objects.count() == 1
