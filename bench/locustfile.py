"""The people of bench/load.py, as locust users: promoters recording visits from their worklist,
branch staff opening the roster and the claims to review, HQ opening the target dashboards.

The demo logins share one password; each simulated user logs in once with its own session.
"""

import datetime
import os
import random
import re
import uuid
from zoneinfo import ZoneInfo

from locust import HttpUser, between, task

PASSWORD = "issou-demo-2024"  # noqa: S105 (org.demo.DEMO_PASSWORD, published in the README)
BUSINESS = re.compile(r'href="/field/businesses/(\d+)/visit/')
JST = ZoneInfo("Asia/Tokyo")  # the promoters' day, whatever the load machine's clock
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self) -> None:
        page = self.client.get("/login/", name="ログイン画面")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="ログイン",
        )


class Promoter(Person):
    weight = 6
    username = "tokyo_promoter"

    @task(3)
    def worklist(self) -> None:
        self.client.get("/field/", name="担当事業所（worklist）")

    @task(1)
    def record_visit(self) -> None:
        visit_from_worklist(self, "担当事業所（worklist）")


def visit_from_worklist(user: HttpUser, worklist_name: str) -> None:
    """Open the worklist, then record a visit to its first business through the visit form."""
    page = user.client.get("/field/", name=worklist_name)
    found = BUSINESS.findall(page.text)
    if not found:
        return
    business = found[0]
    form = user.client.get(f"/field/businesses/{business}/visit/", name="訪問の記録（画面）")
    token = CSRF.search(form.text)
    if token is None:
        return
    user.client.post(
        f"/field/businesses/{business}/visit/",
        {
            "csrfmiddlewaretoken": token.group(1),
            "client_key": str(uuid.uuid4()),
            "visited_on": datetime.datetime.now(JST).date().isoformat(),
            "method": "direct",
            "outcome": "explained",
            "topics": ["system", "obligation"],
        },
        name="訪問の記録（送信）",
    )


class BranchStaff(Person):
    weight = 3
    username = "tokyo_staff"

    @task(2)
    def roster(self) -> None:
        self.client.get("/roster/", name="名簿")

    @task(1)
    def review(self) -> None:
        self.client.get("/payments/review/", name="支給審査")


class Headquarters(Person):
    weight = 1
    username = "hq_staff"

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/targets/", name="目標管理（全国）")

    @task(1)
    def branch_dashboard(self) -> None:
        self.client.get("/targets/branch/", name="目標管理（支部）")


class Bare(Person):
    """The comparison: a bare view served by the same server (the health check: one query, no
    template), asked by a signed-in user, so it passes the same session, authentication, two-factor,
    lockout and audit middleware as the pages compared with it."""

    wait_time = between(0, 0)
    username = "tokyo_promoter"

    @task
    def health(self) -> None:
        self.client.get("/healthz/", name="bare")


class BareAnonymous(HttpUser):
    """The same bare view without a session, as a load balancer asks it: reported beside the other."""

    wait_time = between(0, 0)

    @task
    def health(self) -> None:
        self.client.get("/healthz/", name="bare (anonymous)")


class WorklistOnly(Person):
    wait_time = between(0, 0)
    username = "tokyo_promoter"

    @task
    def worklist(self) -> None:
        self.client.get("/field/", name="担当事業所（worklist）")


class WorklistAfterVisit(Person):
    """The worklist as a promoter meets it after recording a visit: what it shows has changed, so it
    is read again (kit.fragments keeps it only until then). Reported beside the repeated views."""

    wait_time = between(0, 0)
    username = "tokyo_promoter"

    @task
    def visit_then_worklist(self) -> None:
        visit_from_worklist(self, "担当事業所（訪問の後）")


class RosterOnly(Person):
    wait_time = between(0, 0)
    username = "tokyo_staff"

    @task
    def roster(self) -> None:
        self.client.get("/roster/", name="名簿")


class DashboardsOnly(Person):
    wait_time = between(0, 0)
    username = "hq_staff"

    @task
    def dashboards(self) -> None:
        self.client.get("/targets/", name="目標管理（全国）")
        self.client.get("/targets/branch/", name="目標管理（支部）")


class RosterSearch(Person):
    """bench/search.py: a branch's staff searching a roster of 10,000 businesses the way people type
    (width, kana, 異体字, part of a name or an address); the queries come from SEARCH_QUERIES."""

    # A person reads the results before the next search: 8 of them searching at once.
    wait_time = between(1, 3)
    username = "tokyo_staff"
    queries: list[str] = []

    def on_start(self) -> None:
        super().on_start()
        with open(os.environ["SEARCH_QUERIES"], encoding="utf-8") as handle:
            self.queries = handle.read().splitlines()

    @task
    def search(self) -> None:
        self.client.get("/roster/", params={"q": random.choice(self.queries)}, name="名簿の検索")
