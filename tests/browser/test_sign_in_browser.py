"""Every demo role signs in as a person does: typing at human speed, the administrators'
second factor too, then opens every menu link; no page reloads itself and the console stays clean."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from org.demo import DEMO_LOGINS, DEMO_PASSWORD
from tests.browser.conftest import Watcher, type_like_a_person

pytestmark = pytest.mark.browser


def _sign_in(page, base_url: str, username: str) -> list[str]:
    """The login page, then for an administrator the second factor, each field typed key by key.
    Answers the actions that loaded a page, in order."""
    page.goto(f"{base_url}/")
    type_like_a_person(page.get_by_label("ユーザーID"), username)
    type_like_a_person(page.get_by_label("パスワード"), DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_test_id("whoami").wait_for()
    actions = ["ログイン画面", "パスワード送信"]
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is not None:
        page.get_by_role("heading", name="二要素認証").wait_for()
        # What the authenticator app on the administrator's phone shows now.
        type_like_a_person(page.get_by_label("認証コード（6桁）"), f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name="確認").click()
        page.get_by_test_id("home-title").wait_for()
        actions.append("認証コード送信")
    return actions


# serialized_rollback: the flush after a live-server test would otherwise drop the master data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_demo_role_signs_in_key_by_key_and_opens_every_menu_link_without_a_reload(
    browser_page, live_server
):
    call_command("seed_demo", size="small", seed=2024, stdout=StringIO())
    browser = browser_page.context.browser
    problems: dict[str, list[str]] = {}
    for login in DEMO_LOGINS:
        # Each person on their own browser, as on their own computer.
        context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 800})
        page = context.new_page()
        watcher = Watcher(page)
        actions = _sign_in(page, live_server.url, login.username)
        watcher.settle()
        # The page's script evaluated a second time (as htmx does with a page swapped in whole)
        # declares nothing twice ("Identifier 'DRAFTS' has already been declared").
        page.add_script_tag(url="/static/js/issou.js")
        menu = page.locator("nav.navbar a[href]").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert len(menu) >= 4, (login.username, menu)
        for href in dict.fromkeys(menu):
            page.locator(f'nav.navbar a[href="{href}"]').first.click()
            watcher.settle()
            actions.append(href)
        found = watcher.problems(actions)
        if found:
            problems[login.username] = found
        context.close()
    assert problems == {}
