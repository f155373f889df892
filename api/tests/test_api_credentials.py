"""A token lives no longer than the credentials it was made with: it ends at its owner's password
change or second-factor reset, making one asks for the password again (and an administrator's
authenticator code, which the token is bound to), administrators revoke a user's tokens from the
user's page, revoking asks first, the schema answers a token, and refusals are Japanese."""

import re

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from api.models import ApiToken
from audit.models import AuditEntry
from conftest import PASSWORD, login

NEW_PASSWORD = "a-much-longer-password-2024"


def _code(user) -> str:
    """A code of the user's app the server has not yet seen, once the wait after a wrong code is
    over: a person waits for the next code (the test clock does not move)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    device.last_t = -1
    device.throttle_reset(commit=False)
    device.save()
    return f"{totp(device.bin_key):06d}"


def _make(client, **fields):
    data = {"name": "集計用Excel", "expires_on": str(timezone.localdate()), "password": PASSWORD, **fields}
    return client.post("/account/tokens/", data)


def _bearer(response) -> dict:
    secret = response.context["secret"]
    assert secret, response.context["form"].errors
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_ends_when_its_owner_changes_the_password(client, people):
    login(client, people["tokyo_staff"])
    headers = _bearer(_make(client))
    assert client.get("/api/v1/me", **headers).status_code == 200
    response = client.post("/password/", {"current": PASSWORD, "password": NEW_PASSWORD})
    assert response.status_code == 302
    refused = client.get("/api/v1/me", **headers)
    assert refused.status_code == 401 and "認証できません" in refused.json()["detail"]
    page = client.get("/account/tokens/").content.decode()
    assert "無効（パスワードまたは二要素認証の変更後）" in page
    assert 'data-testid="revoke-token"' not in page  # nothing left to revoke on a token already void
    # A token made with the new password works.
    fresh = _bearer(_make(client, name="新しいトークン", password=NEW_PASSWORD))
    assert client.get("/api/v1/me", **fresh).status_code == 200


def test_making_a_token_asks_for_the_password_again(client, people):
    login(client, people["tokyo_staff"])
    missing = _make(client, password="")
    assert missing.context["secret"] is None and "password" in missing.context["form"].errors
    wrong = _make(client, password="not-the-password")
    assert "パスワードが正しくありません。" in wrong.content.decode()
    assert not ApiToken.objects.exists()
    page = client.get("/account/tokens/").content.decode()
    assert 'name="password"' in page and 'name="otp"' not in page


def test_an_administrators_token_needs_a_code_and_ends_with_the_second_factor(client, people):
    admin = people["tokyo_admin"]
    login(client, admin)
    assert 'name="otp"' in client.get("/account/tokens/").content.decode()
    without = _make(client)
    assert without.context["secret"] is None and "otp" in without.context["form"].errors
    wrong = _make(client, otp="000000" if _code(admin) != "000000" else "111111")
    assert "認証コードが正しくありません。" in wrong.content.decode()
    assert not ApiToken.objects.exists()
    headers = _bearer(_make(client, otp=_code(admin)))
    token = ApiToken.objects.get()
    assert token.otp_device == TOTPDevice.objects.get(user=admin)
    assert client.get("/api/v1/me", **headers).json()["username"] == admin.username
    # The phone is lost: HQ resets the second factor, and the token made with it ends.
    login(client, people["hq_admin"])
    client.post(f"/users/{admin.pk}/otp-reset/")
    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert client.get("/api/v1/me", **headers).status_code == 401
    # An administrator's token is never made without the second factor.
    with pytest.raises(ValueError, match="二要素認証"):
        ApiToken.issue(user=admin, name="裏口", expires_on=timezone.localdate())


def test_an_administrator_revokes_a_users_tokens_from_the_users_page_with_confirmation(client, people):
    staff = people["tokyo_staff"]
    login(client, staff)
    first = _bearer(_make(client, name="集計用"))
    second = _bearer(_make(client, name="連携用"))
    login(client, people["tokyo_admin"])
    url = f"/users/{staff.pk}/"
    page = client.get(url).content.decode()
    forms = re.findall(rf'<form method="post" action="/users/{staff.pk}/tokens/revoke/"[^>]*>', page)
    assert len(forms) == 3 and all("data-confirm=" in form for form in forms)
    assert "すべてのトークンを失効させる" in page
    # Opening the address does not revoke anything.
    assert client.get(f"/users/{staff.pk}/tokens/revoke/").status_code == 405
    assert client.get("/api/v1/me", **first).status_code == 200
    # One token …
    one = ApiToken.objects.get(name="集計用")
    response = client.post(f"/users/{staff.pk}/tokens/revoke/", {"token": one.pk}, follow=True)
    assert "APIトークン1件を失効させました" in response.content.decode()
    assert client.get("/api/v1/me", **first).status_code == 401
    assert client.get("/api/v1/me", **second).status_code == 200
    # … or all, each audited with the administrator who revoked it.
    client.post(f"/users/{staff.pk}/tokens/revoke/")
    assert client.get("/api/v1/me", **second).status_code == 401
    revocations = [
        entry
        for entry in AuditEntry.objects.filter(
            content_type__model="apitoken", action=AuditEntry.Action.UPDATE
        )
        if "revoked_at" in (entry.changes or {})
    ]
    assert [entry.actor for entry in revocations] == [people["tokyo_admin"]] * 2
    # Another branch's administrator, and a non-administrator, cannot.
    for other in ("osaka_admin", "tokyo_staff"):
        login(client, people[other])
        assert client.post(f"/users/{staff.pk}/tokens/revoke/").status_code in (403, 404)


def test_revoking_ones_own_token_asks_first_and_a_get_revokes_nothing(client, people):
    login(client, people["tokyo_staff"])
    headers = _bearer(_make(client))
    token = ApiToken.objects.get()
    page = client.get("/account/tokens/").content.decode()
    form = re.search(rf'<form method="post" action="/account/tokens/{token.pk}/revoke/"[^>]*>', page)
    assert form and "data-confirm=" in form.group(0) and "集計用Excel" in form.group(0)
    assert client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 405
    assert client.get("/api/v1/me", **headers).status_code == 200


@pytest.mark.parametrize(("who", "status"), [("tokyo_staff", 200), ("tokyo_promoter", 403)])
def test_the_schema_answers_a_token_with_json_never_the_login_page(client, people, who, status):
    login(client, people[who])
    headers = _bearer(_make(client))
    client.logout()
    response = client.get("/api/v1/openapi.json", **headers)
    assert response.status_code == status and response["Content-Type"].startswith("application/json")
    if status == 200:
        assert "/api/v1/businesses" in response.json()["paths"]
    else:
        assert response.json()["detail"] == "APIの説明を見る権限がありません。"
    unknown = client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION="Bearer issou_nothing")
    assert unknown.status_code == 401 and "認証できません" in unknown.json()["detail"]


def test_the_apis_refusals_are_japanese_and_name_the_field(client, people):
    login(client, people["tokyo_staff"])
    headers = _bearer(_make(client))
    client.logout()

    def errors(response):
        assert response.status_code == 422, response.content
        body = response.json()
        assert body["detail"] == "入力内容に誤りがあります。"
        return [(e["field"], e["message"]) for e in body["errors"]]

    assert errors(client.get("/api/v1/businesses", {"limit": 5000}, **headers)) == [
        ("limit", "「limit」は1000以下にしてください。")
    ]
    assert errors(client.get("/api/v1/businesses", {"limit": 0}, **headers)) == [
        ("limit", "「limit」は1以上にしてください。")
    ]
    assert errors(client.get("/api/v1/businesses", {"limit": "たくさん"}, **headers)) == [
        ("limit", "「limit」は整数で指定してください。")
    ]
    bulk = client.post(
        "/api/v1/visits/bulk",
        {"visits": [{"business_id": "一"}]},
        content_type="application/json",
        **headers,
    )
    found = errors(bulk)
    assert ("visits.0.client_key", "「visits.0.client_key」を指定してください。") in found
    assert ("visits.0.business_id", "「visits.0.business_id」は整数で指定してください。") in found
    too_many = client.post(
        "/api/v1/visits/bulk", {"visits": [{}] * 201}, content_type="application/json", **headers
    )
    assert ("visits", "「visits」は200件以内にしてください。") in errors(too_many)
    for response in (bulk, too_many):
        assert not re.search(r"[A-Za-z]{3,} should|Field required|Input ", response.content.decode())
