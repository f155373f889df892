"""Two promoters share one phone: what A typed offline is never read by B, nor recorded
as B's visit (B would earn A's fee, and the direct visit a success fee needs, D-4)."""

import pytest
from django.utils import timezone

from assignments.services import assignments_assign
from conftest import make_appointment, make_business, make_person, make_user
from fieldwork.models import Visit
from lib import wareki
from org.models import Branch, FiscalYear
from org.roles import Role
from roster.models import BusinessStatus
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

A_NOTE = "Aのメモ：社長は来週月曜まで出張"


def _give(business, appointment, staff):
    assignments_assign(
        actor=staff,
        branch=appointment.branch,
        fiscal_year=FiscalYear.objects.get(year=appointment.fiscal_year.year),
        business_ids=[business.pk],
        appointment=appointment,
    )


def _save_offline(page, base_url: str, business) -> None:
    """A types a visit where the network drops: it is kept on the phone."""
    page.goto(f"{base_url}/field/businesses/{business.pk}/visit/")
    page.get_by_label("説明した", exact=True).check()
    page.get_by_text("次の対応・メモ").click()
    page.get_by_label("メモ").fill(A_NOTE)
    page.context.set_offline(True)
    page.get_by_role("button", name="記録する").click()
    page.get_by_test_id("draft-status").get_by_text("端末に保存しました").wait_for()


def _kept(page) -> str:
    return page.evaluate("JSON.stringify(localStorage)")


# serialized_rollback: the flush after a live-server test would otherwise drop the master data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_promoters_offline_draft_is_never_read_or_recorded_under_the_next_one_on_the_phone_D_4(
    browser_page, live_server
):
    tokyo = Branch.objects.get(prefecture__code="13")
    year = wareki.fiscal_year_of(timezone.localdate())
    make_user("hq_for_phone", Role.HQ_ADMIN)
    staff = make_user("phone_staff", Role.BRANCH_STAFF, tokyo)
    appointments = {}
    for username, name in (("promoter_a", "推進 エー"), ("promoter_b", "推進 ビー")):
        user = make_user(username, Role.PROMOTER, tokyo)
        appointments[username] = make_appointment(
            make_person(tokyo, name, user=user), status="active", year=year
        )
    business = make_business(tokyo, "共用端末商店", year=year, status=BusinessStatus.ALLOCATED)
    _give(business, appointments["promoter_a"], staff)
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    bulk_posts = []
    page.on("request", lambda r: r.url.endswith("/bulk") and r.method == "POST" and bulk_posts.append(r))

    # 1. A saves a draft offline; the connection returns but the server cannot be reached, and A
    # logs out: the phone says a record is unsent, and takes it off the device.
    log_in(page, base, "promoter_a")
    _save_offline(page, base, business)
    assert A_NOTE in _kept(page)
    # Still offline, A taps ログアウト: the phone says it could not log out, and A stays signed in
    # with the draft kept (a logout that failed must not leave the phone to B as A's).
    said = []

    def answer(dialog):
        said.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="メニュー").click()
    with page.expect_event("dialog", predicate=lambda dialog: "ログアウトできませんでした" in dialog.message):
        page.get_by_role("button", name="ログアウト").click()
    page.remove_listener("dialog", answer)
    assert "未送信の記録が1件" in said[0]
    assert A_NOTE in _kept(page)
    assert page.evaluate("document.body.dataset.user")
    page.route("**/api/v1/**", lambda route: route.abort())
    page.context.set_offline(False)
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="ログアウト").click()
    page.get_by_role("heading", name="ログイン").wait_for()
    assert "未送信の記録が1件" in asked[0]
    assert A_NOTE not in _kept(page)
    page.unroute("**/api/v1/**")

    # 2. A saves another draft and leaves the phone signed in until the session ends (the cookie
    # gone, as after 30 minutes idle); the business has meanwhile gone to B, who signs in.
    log_in(page, base, "promoter_a")
    _save_offline(page, base, business)
    page.context.clear_cookies()
    page.context.set_offline(False)
    # A's page tries to send it back online, signed out: it stays unsent.
    page.get_by_test_id("draft-status").get_by_text("あとで自動で送信します").wait_for()
    _give(business, appointments["promoter_b"], staff)
    bulk_posts.clear()
    log_in(page, base, "promoter_b")
    page.goto(f"{base}/field/businesses/{business.pk}/visit/")
    page.get_by_role("button", name="記録する").wait_for()
    page.wait_for_load_state("networkidle")
    # B's phone holds nothing of A's, shows nothing of it, and sent nothing as B's.
    assert A_NOTE not in _kept(page)
    assert A_NOTE not in page.content()
    assert page.get_by_label("メモ").input_value() == ""
    assert [r.post_data for r in bulk_posts if A_NOTE in (r.post_data or "")] == []
    assert not Visit.objects.exists()
