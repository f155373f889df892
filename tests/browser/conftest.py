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
    # Attached, not visible: on a phone's width the menu holding it is folded away.
    page.get_by_test_id("whoami").wait_for(state="attached")


KEY_DELAY_MS = 90  # a person types about ten keys a second


def type_like_a_person(field, text: str) -> None:
    """Click into ``field`` and type ``text`` key by key at a person's speed (a page that reloads
    itself meanwhile loses what was typed, as it would for them)."""
    field.click()
    field.page.keyboard.type(text, delay=KEY_DELAY_MS)


class Watcher:
    """Counts the pages a tab loads, and keeps its console errors and uncaught script errors."""

    def __init__(self, page):
        self.page = page
        self.loads: list[str] = []
        self.errors: list[str] = []
        page.on("load", lambda loaded: self.loads.append(loaded.url))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"{error} ({page.url})"))
        # htmx requests under way on the page (htmx acts on an HX-Redirect before it reports the
        # request done, so a page sent to reload itself is already leaving when this reads 0).
        page.add_init_script(
            "window.htmxBusy = 0;"
            "document.addEventListener('htmx:beforeRequest', () => { window.htmxBusy += 1; });"
            "document.addEventListener('htmx:afterRequest', () => { window.htmxBusy -= 1; });"
        )

    def _console(self, message) -> None:
        # Every error counts, a page answering 403 or 404 too (the browser notes its status here).
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url') or self.page.url})")

    def settle(self) -> None:
        """Wait until the page has loaded and the htmx requests it made on loading (the menu's
        counters) are answered."""
        self.page.wait_for_load_state("load")
        self.page.wait_for_function("() => window.htmxBusy === 0")

    def problems(self, actions: list[str]) -> list[str]:
        """What went wrong: every error, and a load that no action asked for (a page reloading itself)."""
        found = list(self.errors)
        if len(self.loads) != len(actions):
            found.append(f"操作{len(actions)}回 {actions} に対し読み込み{len(self.loads)}回 {self.loads}")
        return found
