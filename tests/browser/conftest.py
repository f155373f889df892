"""Browser fixtures: Debian's chromium driven by Playwright (never `playwright install`)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import sync_playwright

from conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(settings.VAR_DIR) / "screenshots"


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django's guard against ORM calls
    # from async code would then refuse the live server's test database set-up.
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(locale="ja-JP")
        yield page
        # Under Playwright's event loop the test's database connections belong to that loop's
        # context, apart from the ones Django closes after each test: close them here, inside it,
        # or one stays open and PostgreSQL cannot drop the test database at the end.
        connections.close_all()
        browser.close()


def log_in(page, base_url: str, username: str):
    page.goto(f"{base_url}/")
    page.get_by_label("ユーザーID").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{base_url}/**")
    page.get_by_test_id("whoami").wait_for()
