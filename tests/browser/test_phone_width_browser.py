"""On a phone 360 px wide, no page a promoter reaches is wider than the screen: nothing
to scroll sideways for, no button cut off."""

import re
from io import StringIO
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Error

from org.demo import DEMO_PASSWORD
from roster.models import Business
from tests.browser.conftest import Watcher

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
LONG_NAME = "株式会社NIPPONGLOBALLOGISTICSANDENGINEERINGSOLUTIONS南関東支店"

# The innermost elements reaching past the right edge of the screen.
TOO_WIDE = """() => {
  const edge = document.documentElement.clientWidth + 0.5;
  const out = (e) => e.getBoundingClientRect().right > edge;
  return [...document.body.querySelectorAll("*")]
    .filter((e) => out(e) && ![...e.children].some(out))
    .slice(0, 3)
    .map((e) => `${Math.round(e.getBoundingClientRect().right)}px ${e.outerHTML.slice(0, 160)}`);
}"""


def _links(page, origin: str) -> list[str]:
    """The same-site pages the page links to (GET; the logout button is a form, not a link). A link
    opening another tab is a document to print (a PDF), shown by the browser's own viewer."""
    hrefs = page.locator("a[href]:not([target=_blank])").evaluate_all("links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        url = urldefrag(href).url
        if urlsplit(url).scheme in ("http", "https") and url.startswith(origin):
            found.append(url)
    return found


# serialized_rollback: the flush after a live-server test would otherwise drop the master data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_page_a_promoter_reaches_is_wider_than_a_360_px_phone(browser_page, live_server):
    call_command("seed_demo", size="small", seed=2024, stdout=StringIO())
    page, origin = browser_page, live_server.url
    page.set_viewport_size(PHONE)
    watcher = Watcher(page)
    page.goto(f"{origin}/")
    page.get_by_label("ユーザーID").fill("tokyo_promoter")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_test_id("home-title").wait_for()
    # This month's claim, made as the promoter makes it, so that its page is among those reached;
    # and one business named at the length some are (a long name must wrap, not widen the page).
    page.goto(f"{origin}/payments/claims/")
    page.get_by_role("button", name="申請書を作成").click()
    page.wait_for_url(re.compile(r".*/payments/claims/\d+/$"))
    assigned = Business.objects.filter(assignments__appointment__person__user__username="tokyo_promoter")
    Business.objects.filter(pk=assigned.values("pk")[:1]).update(name=LONG_NAME)
    menu = [
        urldefrag(a).url for a in page.locator("nav.navbar a[href]").evaluate_all("l => l.map(a => a.href)")
    ]
    # The menu's pages, then every page they link to.
    seen: dict[str, int] = {}
    wide: dict[str, list[str]] = {}  # the elements that stick out, to say what to fix
    level = list(dict.fromkeys(menu))
    for depth in range(2):
        following = []
        for url in level:
            if url in seen:
                continue
            try:
                response = page.goto(url)
            except Error as error:
                if "Download is starting" in error.message:  # a PDF or Excel file, not a page
                    continue
                raise
            assert response is not None and response.ok, (url, response and response.status)
            watcher.settle()
            seen[url] = page.evaluate("document.documentElement.scrollWidth")
            if seen[url] > PHONE["width"]:
                wide[url] = page.evaluate(TOO_WIDE)
            if depth == 0:
                following += _links(page, origin)
        level = list(dict.fromkeys(following))
    assert len(seen) >= 10, seen
    assert wide == {}
    assert watcher.errors == []
