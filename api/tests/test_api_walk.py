"""Every API operation, walked with each kind of token: no token → 401; a
promoter's token → only what is theirs; another branch's token → 404 for Tokyo's ids. The list of
operations is read from the live OpenAPI schema, so a new endpoint cannot escape the walk."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from api.models import ApiToken
from conftest import make_appointment, make_business, make_person
from events.models import Dispatch
from org.models import Association, FiscalYear
from payments.models import FeeClaim, FeeRules

# What a promoter's token gets from each operation (the others are for office staff).
PROMOTER = {
    path: 200
    for path in [
        "/api/v1/me",
        "/api/v1/businesses",
        "/api/v1/assignments",
        "/api/v1/visits",
        "/api/v1/visits/bulk",
        "/api/v1/enrolments",
        "/api/v1/enrolments/bulk",
        "/api/v1/claims",
    ]
}
# Their ids are the branch's, but not the walk's promoter's own: 404.
NOT_THEIRS = ("/api/v1/businesses/{", "/api/v1/claims/{")
# Operations a branch's staff do not get: the field's own, and HQ's.
FIELD_ONLY = {"/api/v1/visits/bulk", "/api/v1/enrolments/bulk", "/api/v1/claims/{claim_id}/submit"}
# An empty batch for each bulk operation.
BODIES = {"/api/v1/visits/bulk": {"visits": []}, "/api/v1/enrolments/bulk": {"enrolments": []}}
HQ_ONLY = {"/api/v1/payment-batches"}


def _operations() -> list[str]:
    from api.v1 import api

    return sorted(path for path in api.get_openapi_schema()["paths"])


def _method(path: str) -> str:
    from api.v1 import api

    return next(iter(api.get_openapi_schema()["paths"][path])).upper()


@pytest.fixture
def tokyo_ids(tokyo, people):
    make_appointment(make_person(tokyo, "推進 一郎", user=people["tokyo_promoter"]), status="active")
    # Another promoter's claim and another lecturer's seminar: the walk's promoter owns neither.
    colleague = make_appointment(make_person(tokyo, "東京 太郎"), status="active")
    lecturer = make_appointment(make_person(tokyo, "東京 太郎講師"), role="lecturer", status="active")
    return {
        "business_id": make_business(tokyo, "東京 太郎商事").pk,
        "association_id": Association.objects.create(branch=tokyo, name="東京 太郎事務組合").pk,
        "person_id": colleague.person_id,
        "claim_id": FeeClaim.objects.create(
            appointment=colleague, month=datetime.date(2026, 6, 1), rules=FeeRules.objects.first()
        ).pk,
        "dispatch_id": Dispatch.objects.create(
            branch=tokyo,
            fiscal_year=FiscalYear.objects.get(year=2026),
            title="東京 太郎セミナー",
            organiser="商工会議所",
            held_on=datetime.date(2026, 9, 1),
            place="会館",
            lecturer=lecturer,
            created_by=people["tokyo_staff"],
        ).pk,
    }


def _get(client: Client, path: str, ids: dict, user=None, state: str = "usable"):
    url = path.format(**ids)
    headers = {}
    if user is not None:
        today = timezone.localdate()
        expires_on = today - datetime.timedelta(days=1) if state == "expired" else today
        # An administrator's token is made with their authenticator app (api.forms.TokenForm).
        device = (
            TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "test"})[0]
            if user.requires_otp
            else None
        )
        issued, secret = ApiToken.issue(user=user, name="walk", expires_on=expires_on, otp_device=device)
        if state == "revoked":
            issued.revoked_at = timezone.now()
            issued.save()
        headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    if _method(path) == "POST":
        return client.post(url, BODIES.get(path, {}), content_type="application/json", **headers)
    return client.get(url, **headers)


@pytest.mark.parametrize("path", _operations())
def test_no_token_is_401(client, people, tokyo_ids, path):
    assert _get(client, path, tokyo_ids).status_code == 401


@pytest.mark.parametrize("state", ["expired", "revoked"])
@pytest.mark.parametrize("path", _operations())
def test_an_expired_or_revoked_token_is_401(client, people, tokyo_ids, path, state):
    response = _get(client, path, tokyo_ids, people["tokyo_staff"], state=state)
    assert response.status_code == 401
    assert "東京 太郎" not in response.content.decode()


@pytest.mark.parametrize("path", _operations())
def test_a_viewers_token_reads_and_never_writes(client, people, tokyo_ids, path):
    expected = 403 if path in FIELD_ONLY | HQ_ONLY else 200
    assert _get(client, path, tokyo_ids, people["tokyo_viewer"]).status_code == expected


@pytest.mark.parametrize("path", _operations())
def test_a_promoters_token_reaches_only_its_own_operations(client, people, tokyo_ids, path):
    response = _get(client, path, tokyo_ids, people["tokyo_promoter"])
    expected = PROMOTER.get(path, 404 if path.startswith(NOT_THEIRS) else 403)
    assert response.status_code == expected
    assert "東京 太郎" not in response.content.decode()


@pytest.mark.parametrize("path", [p for p in _operations() if "{" in p])
def test_another_branchs_token_gets_404_for_tokyos_ids(client, people, tokyo_ids, osaka, path):
    # The field's own operations are walked with Osaka's promoter, the others with its administrator.
    if path in FIELD_ONLY:
        make_appointment(make_person(osaka, "大阪 推進", user=people["osaka_promoter"]), status="active")
    response = _get(
        client, path, tokyo_ids, people["osaka_promoter" if path in FIELD_ONLY else "osaka_admin"]
    )
    assert response.status_code == 404
    assert "東京 太郎" not in response.content.decode()


@pytest.mark.parametrize("path", _operations())
def test_a_colleagues_token_gets_200(client, people, tokyo_ids, path):
    expected = 403 if path in FIELD_ONLY | HQ_ONLY else 200
    assert _get(client, path, tokyo_ids, people["tokyo_staff"]).status_code == expected


@pytest.mark.parametrize("path", sorted(HQ_ONLY))
def test_hqs_operations_answer_hq(client, people, tokyo_ids, path):
    assert _get(client, path, tokyo_ids, people["hq_staff"]).status_code == 200
