"""A real browser (Debian's chromium through Playwright) logs in as a branch user and an HQ user."""

import pytest

from conftest import make_user
from org.models import Branch
from org.roles import Role
from tests.browser.conftest import SHOTS, log_in

pytestmark = pytest.mark.browser


# serialized_rollback: the flush after a live-server test would otherwise drop the master data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_branch_user_logs_in_and_sees_their_branch_home(browser_page, live_server):
    make_user(
        "tokyo_browser", Role.BRANCH_STAFF, Branch.objects.get(prefecture__code="13"), full_name="東京 花子"
    )
    log_in(browser_page, live_server.url, "tokyo_browser")
    title = browser_page.get_by_test_id("home-title")
    assert title.inner_text() == "東京支部 支部職員（促進員）のホーム"
    assert "東京 花子" in browser_page.get_by_test_id("whoami").inner_text()
    # Bootstrap came from our own static files: the navbar is styled (no CDN, no network).
    assert browser_page.locator("nav.navbar").evaluate("e => getComputedStyle(e).display") == "flex"
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser_page.screenshot(path=SHOTS / "branch_home.png", full_page=True)


# serialized_rollback: the flush after a live-server test would otherwise drop the master data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_hq_user_logs_in_and_sees_the_national_home(browser_page, live_server):
    make_user("hq_browser", Role.HQ_STAFF, full_name="本部 一郎")
    log_in(browser_page, live_server.url, "hq_browser")
    assert browser_page.get_by_test_id("home-title").inner_text() == "本部 本部職員のホーム"
    assert browser_page.get_by_text("全国47支部の体制").is_visible()
    browser_page.get_by_role("button", name="ログアウト").click()
    # The logout is sent in the background (the device's drafts go only once it went through), then
    # the login page opens: wait for it.
    browser_page.get_by_role("heading", name="ログイン").wait_for()
    assert browser_page.get_by_role("heading", name="ログイン").is_visible()
