"""Login security, with OWASP ASVS level 2 as the yardstick."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import jaconv
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from conftest import PASSWORD, login
from org.models import User

BASE_DIR = Path(settings.BASE_DIR)


def attempt(client, username, password, address="192.0.2.10"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_passwords_are_hashed_with_argon2(people):
    assert User.objects.get(pk=people["tokyo_staff"].pk).password.startswith("argon2")


def test_five_failures_lock_the_user_even_with_the_right_password(client, people):
    for _ in range(4):
        assert attempt(client, "tokyo_staff_t", "wrong-password-123").status_code == 200
    assert attempt(client, "tokyo_staff_t", "wrong-password-123").status_code == 429  # the fifth locks
    response = attempt(client, "tokyo_staff_t", PASSWORD)
    assert response.status_code == 429
    assert "ログインを一時的に停止しています" in response.content.decode()
    assert client.get("/").status_code == 302  # not logged in


def test_lockout_is_by_username_and_address_together(client, people):
    for _ in range(5):
        attempt(client, "tokyo_staff_t", "wrong-password-123")
    # A colleague on the same office address is not locked out, nor is the user from elsewhere.
    assert attempt(Client(), "tokyo_promoter_t", PASSWORD).status_code == 302
    assert attempt(Client(), "tokyo_staff_t", PASSWORD, address="198.51.100.7").status_code == 302


def test_failures_and_the_lockout_are_audited_with_the_address(client, people):
    for _ in range(5):
        attempt(client, "tokyo_staff_t", "wrong-password-123")
    attempt(client, "tokyo_staff_t", PASSWORD)
    failures = AuditEntry.objects.filter(event="login_failed", object_repr__contains="tokyo_staff_t")
    assert failures.count() >= 5
    assert set(failures.values_list("remote_addr", flat=True)) == {"192.0.2.10"}
    assert failures.first().branch == people["tokyo_staff"].branch  # the branch administrator sees them
    assert AuditEntry.objects.filter(event="locked_out", object_repr__contains="tokyo_staff_t").exists()


def test_a_failure_for_an_unknown_username_is_audited_too(client, db):
    attempt(client, "nobody", "whatever-password")
    assert AuditEntry.objects.filter(event="login_failed", object_repr="nobody").exists()


def test_login_and_logout_are_audited(client, people):
    login(client, people["tokyo_staff"])
    client.post("/logout/")
    user = people["tokyo_staff"]
    events = list(AuditEntry.objects.filter(actor=user).order_by("pk").values_list("event", flat=True))
    assert events == ["login", "logout"]


def test_logout_ends_the_session(client, people):
    login(client, people["tokyo_staff"])
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/logout/")
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    assert replay.get("/").status_code == 302


def _age_session(client, *, idle: float = 0, since_login: float = 0):
    session = client.session
    now = time.time()
    session["issou_last_seen"] = now - idle
    session["issou_login_at"] = now - since_login
    session.save()


def test_thirty_minutes_idle_ends_the_session(client, people):
    login(client, people["tokyo_staff"])
    _age_session(client, idle=29 * 60, since_login=29 * 60)
    assert client.get("/").status_code == 200
    _age_session(client, idle=31 * 60, since_login=31 * 60)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/login/?expired=1"
    assert client.get("/").status_code == 302
    assert "ログアウトしました" in client.get("/login/?expired=1").content.decode()


def test_activity_is_noted_once_a_minute_not_on_every_request(client, people):
    """Each note is a session write; under load every page paid for one."""
    login(client, people["tokyo_staff"])
    _age_session(client, idle=10)
    noted = client.session["issou_last_seen"]
    client.get("/")
    assert client.session["issou_last_seen"] == noted
    _age_session(client, idle=61)
    client.get("/")
    assert client.session["issou_last_seen"] > noted


def test_twelve_hours_end_the_session_however_active(client, people):
    login(client, people["tokyo_staff"])
    _age_session(client, idle=60, since_login=12 * 3600 + 60)
    assert client.get("/").status_code == 302


def test_an_expired_htmx_request_is_told_to_navigate(client, people):
    login(client, people["tokyo_staff"])
    _age_session(client, idle=31 * 60, since_login=31 * 60)
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == "/login/?expired=1"


def test_the_second_factor_page_loads_nothing_that_would_reload_it(client, people):
    """The menu's counters on /otp/ were answered with HX-Redirect to /otp/, and the page
    reloaded itself three times a second, losing the code being typed."""
    TOTPDevice.objects.create(user=people["tokyo_admin"], name="app", confirmed=True)
    client.post("/login/", {"username": "tokyo_admin_t", "password": PASSWORD})
    page = client.get("/otp/").content.decode()
    assert "hx-get" not in page and 'data-testid="bell"' not in page
    assert "ログアウト" in page


def test_htmx_before_signing_in_gets_a_status_htmx_neither_swaps_nor_follows(client, people):
    htmx = {"HX-Request": "true"}
    for url in ("/notices/badge/", "/queues/badge/", "/"):
        anonymous = client.get(url, headers=htmx)
        assert (anonymous.status_code, anonymous.content, anonymous.get("HX-Redirect")) == (401, b"", None)
    TOTPDevice.objects.create(user=people["tokyo_admin"], name="app", confirmed=True)
    client.post("/login/", {"username": "tokyo_admin_t", "password": PASSWORD})
    for url in ("/notices/badge/", "/queues/badge/", "/otp/"):
        pending = client.get(url, headers=htmx)
        assert (pending.status_code, pending.content, pending.get("HX-Redirect")) == (401, b"", None)
    # Signed in with both factors, the counters answer.
    login(client, people["tokyo_admin"])
    assert client.get("/notices/badge/", headers=htmx).status_code == 200


def test_a_wrong_otp_code_is_refused_in_japanese(client, people):
    client.post("/login/", {"username": "tokyo_admin_t", "password": PASSWORD})
    TOTPDevice.objects.create(user=people["tokyo_admin"], name="app", confirmed=True)
    response = client.post("/otp/", {"token": "000000"})
    assert "認証コードが正しくありません" in response.content.decode()
    assert client.get("/users/").status_code == 302


def test_a_code_typed_as_the_app_shows_it_is_accepted(client, people):
    """Authenticator apps show 123 456; a person types the space, or full-width digits."""
    device = TOTPDevice.objects.create(user=people["tokyo_admin"], name="app", confirmed=True)
    client.post("/login/", {"username": "tokyo_admin_t", "password": PASSWORD})
    code = f"{totp(device.bin_key):06d}"
    typed = jaconv.h2z(f"{code[:3]} {code[3:]}", digit=True, ascii=True)
    assert client.post("/otp/", {"token": typed}).status_code == 302


def test_after_a_wrong_code_the_right_one_is_asked_to_wait_not_called_wrong(client, people):
    """django-otp refuses every code for a moment after a wrong one: saying 「正しくありません」 to the
    right code sent people to check their phone's clock."""
    device = TOTPDevice.objects.create(user=people["tokyo_admin"], name="app", confirmed=True)
    client.post("/login/", {"username": "tokyo_admin_t", "password": PASSWORD})
    client.post("/otp/", {"token": "000000"})
    page = client.post("/otp/", {"token": f"{totp(device.bin_key):06d}"}).content.decode()
    assert "秒は確認できません" in page and "正しくありません" not in page
    # The wait passed (the failure moved back in time rather than the test sleeping).
    device.refresh_from_db()
    device.throttling_failure_timestamp -= datetime.timedelta(seconds=5)
    device.save(update_fields=["throttling_failure_timestamp"])
    assert client.post("/otp/", {"token": f"{totp(device.bin_key):06d}"}).status_code == 302


def test_an_otp_code_cannot_be_replayed(people):
    device = TOTPDevice.objects.create(user=people["tokyo_admin"], name="app", confirmed=True)
    token = f"{totp(device.bin_key):06d}"
    first, second = Client(), Client()
    for c in (first, second):
        c.post("/login/", {"username": "tokyo_admin_t", "password": PASSWORD})
    assert first.post("/otp/", {"token": token}).status_code == 302
    assert second.post("/otp/", {"token": token}).status_code == 200  # refused


def test_an_administrator_without_a_device_enrols_one(client, people):
    client.post("/login/", {"username": "tokyo_admin_t", "password": PASSWORD})
    assert client.get("/otp/")["Location"] == "/otp/setup/"
    page = client.get("/otp/setup/").content.decode()
    assert "<svg" in page and "二要素認証の登録" in page
    device = TOTPDevice.objects.get(user=people["tokyo_admin"], confirmed=False)
    response = client.post("/otp/setup/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/users/").status_code == 200


def test_an_enrolled_administrator_cannot_enrol_a_second_device(client, people):
    TOTPDevice.objects.create(user=people["tokyo_admin"], name="app", confirmed=True)
    client.post("/login/", {"username": "tokyo_admin_t", "password": PASSWORD})
    assert client.get("/otp/setup/")["Location"] == "/otp/"


def test_security_headers(client, people):
    response = client.get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    login(client, people["tokyo_staff"])
    assert client.get("/")["Cache-Control"] == "no-store"


def test_login_without_a_csrf_token_is_refused(people):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"username": "tokyo_staff_t", "password": PASSWORD})
    assert response.status_code == 403


def test_the_deploy_check_passes_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "k8#Qz!v2Lw9@pR4tY7uI0oP3aS6dF1gH5jK8lZ2xC4vB7nM0qW3eR6tY9uI2oP5aS",
        "ALLOWED_HOSTS": "issou.example.jp",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Without a shared cache the rate limits would count per process: production must not start.
    del env["REDIS_URL"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={k: v for k, v in env.items()},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "django_ratelimit.E003" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_no_next_anywhere_leads_off_site(client, people):
    """/login/?next=/otp/?next=https://evil.example/ once sent an administrator away after the TOTP step."""
    user = people["tokyo_admin"]
    response = client.post(
        "/login/?next=/otp/%3Fnext%3Dhttps%3A//evil.example/",
        {"username": user.username, "password": PASSWORD, "next": "/otp/?next=https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/otp/?next=https://evil.example/"
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "test"})
    response = client.post("/otp/?next=https://evil.example/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302 and response["Location"] == "/"
    # A path on this site is kept; other schemes and hosts are dropped everywhere a next is read.
    for bad in ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\\\evil.example"]:
        response = client.post("/payments/review/send/", {"next": bad})
        assert not response["Location"].startswith(("http", "//", "javascript", "/\\\\")), bad


def test_totp_secrets_are_never_shown_in_the_admin(client, people):
    device = TOTPDevice.objects.create(user=people["tokyo_admin"], name="app", confirmed=True)
    login(client, people["hq_admin"])
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").status_code == 404
    assert device.key not in client.get("/admin/").content.decode()


def test_enrolment_shows_a_secret_once_a_reload_makes_a_new_one(client, people):
    client.post("/login/", {"username": "tokyo_admin_t", "password": PASSWORD})
    client.get("/otp/setup/")
    first = TOTPDevice.objects.get(user=people["tokyo_admin"], confirmed=False)
    client.get("/otp/setup/")
    second = TOTPDevice.objects.get(user=people["tokyo_admin"], confirmed=False)
    assert first.key != second.key
    # The first secret no longer works; the one shown last does.
    assert client.post("/otp/setup/", {"token": f"{totp(first.bin_key):06d}"}).status_code == 200
    # django-otp makes a device wait after a wrong code; this test does not.
    TOTPDevice.objects.filter(pk=second.pk).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )
    assert client.post("/otp/setup/", {"token": f"{totp(second.bin_key):06d}"}).status_code == 302


def test_error_pages_are_in_japanese(client, people, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "org.tests.broken_urls"
    login(client, people["tokyo_staff"])
    assert "ページが見つかりません" in client.get("/no-such-page/").content.decode()
    forbidden = client.get("/users/")
    assert forbidden.status_code == 403 and "権限がありません" in forbidden.content.decode()
    client.raise_request_exception = False
    failed = client.get("/broken-for-test/")
    assert failed.status_code == 500 and "システムエラーが発生しました" in failed.content.decode()
