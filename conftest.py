"""Shared fixtures: users of every role in two branches, and logging in with the second factor."""

import datetime
import html
import os
import re
import time
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.hashers import make_password
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib import cities
from org.models import Branch, FiscalYear, User
from org.roles import Role
from people.models import Appointment, Person
from roster.models import Business, BusinessStatus, EntryOrigin, RosterEntry

PASSWORD = "correct-horse-battery-staple"


@cache
def _password_hash() -> str:
    # Argon2 is slow on purpose; hash the shared test password once, not once per user.
    return make_password(PASSWORD)


def make_user(username: str, role: Role, branch: Branch | None = None, **fields) -> User:
    user = User(username=username, full_name=fields.pop("full_name", username), role=role, branch=branch)
    for name, value in fields.items():
        setattr(user, name, value)
    user.password = _password_hash()
    user.save()
    return user


def verify_otp(client, user: User) -> None:
    """Pass the second factor the way a person does: a code from the app, posted to /otp/."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "test"})
    # The test clock does not move between two logins of one test: forget the last code used,
    # which django-otp otherwise refuses as a replay.
    device.last_t = -1
    device.save(update_fields=["last_t"])
    response = client.post("/otp/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302, response.content.decode()


def login(client, user: User) -> None:
    """Log in through the login page; administrators also pass TOTP. Whoever was logged in leaves."""
    client.logout()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    if user.requires_otp:
        verify_otp(client, user)


class _Forms(HTMLParser):
    """The forms of a page with what each would post as it stands: inputs, ticked boxes, chosen
    options and text areas, as a browser sends them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: tuple[str, bool, list[str], list[str]] | None = None
        self._text: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {}
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.setdefault(name, []).append(
                a.get("value", "on" if kind in ("checkbox", "radio") else "")
            )
        elif tag == "select" and name:
            self._select = (name, "multiple" in a, [], [])
        elif tag == "option" and self._select:
            self._select[3].append(a.get("value", ""))
            if "selected" in a:
                self._select[2].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._text = (name, [])

    def handle_data(self, data):
        if self._text:
            self._text[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form is not None:
            name, multiple, chosen, options = self._select
            self._form[name] = chosen if (chosen or multiple) else options[:1]
            self._select = None
        elif tag == "textarea" and self._text and self._form is not None:
            text = "".join(self._text[1])
            self._form[self._text[0]] = [text[1:] if text.startswith("\n") else text]
            self._text = None


def form_data(response, having: str = "version") -> dict[str, list[str]]:
    """What the page's form holding a field named ``having`` posts if submitted as it is shown."""
    parser = _Forms()
    parser.feed(response.content.decode())
    found = [form for form in parser.forms if having in form]
    assert found, f"no form with a field {having!r} on the page"
    return found[0]


def post_edit(client, url: str, changes: dict, **kwargs):
    """Open an edit page and save it with ``changes`` typed in, as a person does: the page's own
    fields, with the version of the record it read (kit.versions), are posted too."""
    data = form_data(client.get(url))
    data.update({name: value if isinstance(value, list) else [str(value)] for name, value in changes.items()})
    return client.post(url, data, **kwargs)


def names_shown(response) -> list[str]:
    """The businesses a list page shows (worklist cards, roster rows), in order, as the user reads them."""
    return [
        html.unescape(name)
        for name in re.findall(r'data-testid="business-name">([^<]*)<', response.content.decode())
    ]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: its database starts from the same rows (and the same
    branch revisions) as the last test's, so figures kept by that one would pass for its own."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def utc_server_at_1am_jst(monkeypatch) -> Iterator[datetime.date]:
    """The process clock in UTC, as on most servers, at 01:00 JST: the UTC date is still yesterday.

    Django sets the process zone to TIME_ZONE at start; a server may set it back. Returns the JST day.
    """
    jst_day = datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=1)
    moment = datetime.datetime.combine(jst_day, datetime.time(1), tzinfo=ZoneInfo("Asia/Tokyo"))
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    zone = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield jst_day
    if zone is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = zone
    time.tzset()


@pytest.fixture(scope="session", autouse=True)
def audit_triggers_lifted_for_resets():
    """The audit table refuses TRUNCATE on PostgreSQL (audit migration 0006), and Django empties the
    database between transactional tests with TRUNCATE. The suite owns its throw-away database, so
    it lifts that trigger around its own resets only; the application's role cannot."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if statements and "audit_auditentry" in tables:
            table = '"audit_auditentry"'
            return [
                f"ALTER TABLE {table} DISABLE TRIGGER audit_no_truncate",
                *statements,
                f"ALTER TABLE {table} ENABLE TRIGGER audit_no_truncate",
            ]
        return statements

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture
def tokyo(db) -> Branch:
    return Branch.objects.get(prefecture__code="13")


@pytest.fixture
def osaka(db) -> Branch:
    return Branch.objects.get(prefecture__code="27")


@pytest.fixture
def people(tokyo, osaka) -> dict[str, User]:
    """Alice and Bob in Tokyo, Charlie in Osaka, and one of every other role."""
    return {
        "hq_admin": make_user("hq_admin_t", Role.HQ_ADMIN),
        "hq_staff": make_user("hq_staff_t", Role.HQ_STAFF),
        "hq_viewer": make_user("hq_viewer_t", Role.VIEWER),
        "tokyo_admin": make_user("tokyo_admin_t", Role.BRANCH_ADMIN, tokyo),
        "tokyo_staff": make_user("tokyo_staff_t", Role.BRANCH_STAFF, tokyo),
        "tokyo_promoter": make_user("tokyo_promoter_t", Role.PROMOTER, tokyo),
        "tokyo_instructor": make_user("tokyo_instructor_t", Role.INSTRUCTOR, tokyo),
        "tokyo_viewer": make_user("tokyo_viewer_t", Role.VIEWER, tokyo),
        "tokyo_lecturer": make_user("tokyo_lecturer_t", Role.LECTURER, tokyo),
        "osaka_admin": make_user("osaka_admin_t", Role.BRANCH_ADMIN, osaka),
        "osaka_staff": make_user("osaka_staff_t", Role.BRANCH_STAFF, osaka),
        "osaka_promoter": make_user("osaka_promoter_t", Role.PROMOTER, osaka),
    }


def make_person(branch: Branch, name: str = "推進 太郎", **fields) -> Person:
    fields.setdefault("full_name_kana", "スイシン　タロウ")
    return Person.objects.create(branch=branch, full_name=name, **fields)


def make_appointment(
    person, *, role="promoter", status="requested", year=None, requested_by=None, **fields
) -> Appointment:
    """An appointment; by default a request that meets every condition and has its pledge."""
    fields.setdefault("has_expertise", True)
    fields.setdefault("declared_no_violation", True)
    fields.setdefault("pledge_signed_on", datetime.date(2026, 4, 1))
    return Appointment.objects.create(
        person=person,
        branch=person.branch,
        fiscal_year=FiscalYear.objects.get(year=year or 2026),
        role=role,
        status=status,
        requested_by=requested_by or User.objects.filter(role=Role.HQ_ADMIN).first(),  # type: ignore[misc]
        **fields,
    )


def make_business(branch: Branch, name: str, *, year: int = 2026, origin: str = EntryOrigin.NEW, **fields):
    """A business on the branch's roster of ``year``; the city is read from the address as imports do."""
    fiscal_year = FiscalYear.objects.get(year=year)
    address = fields.pop("address", f"{branch.prefecture.name}千代田区1-1")
    city = cities.city_of(address, branch.prefecture.name)
    fields.setdefault("status", BusinessStatus.ON_ROSTER)
    business = Business.objects.create(
        branch=branch,
        fiscal_year=fiscal_year,
        name=name,
        prefecture=branch.prefecture,
        address=address,
        city=city.name if city else "",
        city_code=city.code if city else "",
        name_core=fields.pop("name_core", name),
        address_key=fields.pop("address_key", address),
        identified_on=fiscal_year.start,
        **fields,
    )
    RosterEntry.objects.create(
        business=business,
        fiscal_year=fiscal_year,
        origin=origin,
        added_on=fiscal_year.start,
    )
    return business
