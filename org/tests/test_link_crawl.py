"""Every link a person is shown opens: each demo account signs in, starts at the
home page and its menu, and follows every link to this site on every page it reaches (``<a href>``
and htmx ``hx-get``); none may answer 403, 404 or a server error, nor send a signed-in user back to
the login. A link to a page a role may not open is not shown to it (``org.access.may_open``, through
the ``may_open`` template tag)."""

from collections import Counter, deque
from dataclasses import dataclass
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.template import Context, Template
from django.test import Client
from django.urls import Resolver404, resolve

from conftest import verify_otp
from org.demo import DEMO_LOGINS, DEMO_PASSWORD
from org.models import User

# Bounds that keep the crawl of each role to seconds on a busy machine. A page is opened once per
# URL pattern: the 47 branches of a list open one branch page, which shows the links every branch
# page shows; query strings (filters, years, pages) are the same page again.
PER_PATTERN = 1
MAX_PAGES = 250
# Not opened: signing out ends the session; static files are not pages. Opened but not read: the
# Django admin, the framework's own site (the menu's link to it must open; its pages are Django's).
NOT_OPENED = ("/logout/", "/static/")
NOT_READ = ("/admin/",)


@dataclass(frozen=True)
class Link:
    url: str
    shown_on: str
    htmx: bool


class _Targets(HTMLParser):
    """The targets of a page's links: ``<a href>`` and htmx ``hx-get`` (the latter asked as htmx asks)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and tag == "a" and name == "href":
                self.found.append((value, False))
            elif value and name == "hx-get":
                self.found.append((value, True))


def _links(page: str, body: str) -> list[Link]:
    parser = _Targets()
    parser.feed(body)
    links = []
    for raw, htmx in parser.found:
        url = urldefrag(urljoin(page, raw))[0]
        parts = urlsplit(url)
        if not (parts.scheme or parts.netloc or url.startswith(NOT_OPENED)):  # not another site, mailto:
            links.append(Link(url, page, htmx))
    return links


def _pattern(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).route
    except Resolver404:
        return None


def _crawl(client: Client) -> tuple[list[str], int]:
    """Open every link reachable from the home page; answer each refused one with the page that
    showed it, and how many pages were opened."""
    queue = deque([Link("/", "（ログイン後）", False)])
    seen: set[str] = set()
    opened: Counter[str] = Counter()
    refused = []
    while queue and opened.total() < MAX_PAGES:
        link = queue.popleft()
        if link.url in seen:
            continue
        seen.add(link.url)
        pattern = _pattern(link.url)
        if pattern is None:
            refused.append(f"404 {link.url}（リンク元 {link.shown_on}）")
            continue
        if opened[pattern] >= PER_PATTERN:
            continue
        opened[pattern] += 1
        response = client.get(link.url, headers={"HX-Request": "true"} if link.htmx else {})
        status = response.status_code
        if response.streaming:
            # Read to the end, as a browser does: the test client then closes the file.
            b"".join(response.streaming_content)
        location = response.get("Location", "")
        if status in (403, 404) or status >= 500:
            refused.append(f"{status} {link.url}（リンク元 {link.shown_on}）")
        elif status in (301, 302, 303) and location.startswith(("/login/", "/otp/")):
            refused.append(f"{status}→{location} {link.url}（リンク元 {link.shown_on}）")
        elif location:
            queue.append(Link(location, link.url, False))
        elif (
            "text/html" in response.get("Content-Type", "")
            and not response.streaming
            and not link.url.startswith(NOT_READ)
        ):
            queue.extend(_links(link.url, response.content.decode()))
    return refused, opened.total()


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The small demo, seeded once for this module's crawls (it takes a while) and rolled back after."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", size="small", seed=2024, stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.parametrize("username", [login.username for login in DEMO_LOGINS])
def test_every_link_a_role_is_shown_opens(demo_site, db, client, username):
    # A server error is an answer to record with the page that linked it, not an exception here.
    client.raise_request_exception = False
    user = User.objects.get(username=username)
    response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    if user.requires_otp:
        verify_otp(client, user)
    refused, opened = _crawl(client)
    assert refused == [], "\n".join(refused)
    assert opened >= 5, opened  # the lecturer, with the fewest pages, opens about ten


def test_the_tag_shows_a_link_to_those_its_page_lets_in_read_from_the_views_own_gate(people, tokyo):
    """branch_edit declares HQ administrators: HQ staff, who may otherwise change branches' data,
    are shown no 編集 (they were shown 47, each answering 403); the payment pages' link follows the
    payment permission the view declares, not a list of its own."""
    page = Template(
        "{% load access %}{% may_open 'branch_edit' %}[列]{% endmay_open %}"
        "{% may_open 'branch_edit' pk as url %}<a href=\"{{ url }}\">編集</a>{% endmay_open %}"
        "{% may_open 'batch_list' as url %}<a href=\"{{ url }}\">支払バッチ</a>{% endmay_open %}"
    )
    shown = {
        who: page.render(Context({"user": people[who], "pk": tokyo.pk}))
        for who in ("hq_admin", "hq_staff", "hq_viewer", "tokyo_admin")
    }
    assert shown["hq_admin"] == f'[列]<a href="/org/branches/{tokyo.pk}/edit/">編集</a>'
    assert shown["hq_staff"] == shown["hq_viewer"] == shown["tokyo_admin"] == ""
    people["hq_staff"].can_pay = True
    assert "支払バッチ" in page.render(Context({"user": people["hq_staff"], "pk": tokyo.pk}))
