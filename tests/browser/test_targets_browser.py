"""A branch user follows the year's progress: a target set by HQ, the chart, the numbers behind it (R-TGT-1)."""

import uuid

import pytest
from django.utils import timezone

from conftest import make_appointment, make_business, make_person, make_user
from fieldwork.models import Visit
from lib import wareki
from org.models import Branch, FiscalYear
from org.roles import Role
from targets.models import Target
from tests.browser.conftest import SHOTS, log_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_branch_follows_its_visits_against_the_target(browser_page, live_server):
    tokyo = Branch.objects.get(prefecture__code="13")
    today = timezone.localdate()
    year = FiscalYear.objects.get(year=wareki.fiscal_year_of(today))
    hq = make_user("hq_targets", Role.HQ_STAFF)
    staff = make_user("tokyo_targets", Role.BRANCH_STAFF, tokyo)
    promoter = make_appointment(
        make_person(tokyo, "推進 花子"), status="active", year=year.year, requested_by=hq
    )
    for n in range(3):
        Visit.objects.create(
            business=make_business(tokyo, f"訪問商事{n}", year=year.year),
            appointment=promoter,
            visited_on=today,
            outcome="explained",
            client_key=uuid.uuid4(),
            recorded_by=staff,
        )
    Target.objects.create(fiscal_year=year, branch=tokyo, measure="visited", value=10, updated_by=hq)
    page = browser_page
    log_in(page, live_server.url, "tokyo_targets")
    page.get_by_role("link", name="目標管理").first.click()
    card = page.get_by_test_id("measure-visited")
    card.wait_for()
    assert "実績 3件 ／ 目標 10件 （達成率 30.0%）" in " ".join(card.inner_text().split())
    assert card.locator("svg polyline").count() >= 1 and "目標 10" in card.locator("svg").text_content()
    page.screenshot(path=str(SHOTS / "branch_targets.png"), full_page=True)
    # The number leads to the records behind it.
    card.get_by_role("link", name="3").click()
    page.wait_for_url("**/field/activity/**")
    assert "推進 花子" in page.content()
