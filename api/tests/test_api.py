"""The JSON API: personal access tokens, scoping as the pages, cursor pages, ETags and
Japanese error bodies."""

import datetime

import pytest
from django.utils import timezone

from api.forms import TokenForm
from api.models import ApiToken
from audit.models import AuditEntry
from conftest import PASSWORD, login, make_appointment, make_business, make_person
from org.models import Association, User
from org.roles import Role


def bearer(user, **fields) -> dict:
    _, secret = ApiToken.issue(
        user=user,
        name="テスト",
        expires_on=fields.pop("expires_on", timezone.localdate() + datetime.timedelta(days=30)),
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_is_made_on_the_users_page_shown_once_and_revoked(client, people):
    login(client, people["tokyo_staff"])
    page = client.post(
        "/account/tokens/",
        {"name": "集計用Excel", "expires_on": str(timezone.localdate()), "password": PASSWORD},
    )
    secret = page.context["secret"]
    assert secret.startswith("issou_") and secret in page.content.decode()
    token = ApiToken.objects.get()
    assert token.digest != secret and secret not in client.get("/account/tokens/").content.decode()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/me", **headers).json()["username"] == people["tokyo_staff"].username
    assert AuditEntry.objects.filter(event="api_use", actor=people["tokyo_staff"]).count() == 1
    client.post(f"/account/tokens/{token.pk}/revoke/")
    response = client.get("/api/v1/me", **headers)
    assert response.status_code == 401
    assert "失効" in response.json()["detail"]
    # Another user's token id is not found.
    login(client, people["osaka_staff"])
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404


def test_an_expired_or_unknown_token_is_401(client, people):
    old = bearer(people["tokyo_staff"], expires_on=timezone.localdate() - datetime.timedelta(days=1))
    assert client.get("/api/v1/me", **old).status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer issou_nothing").status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_another_branchs_objects_are_404_through_the_api(client, people, tokyo, osaka):
    business = make_business(tokyo, "東京商事")
    association = Association.objects.create(branch=tokyo, name="新宿事務組合")
    person = make_person(tokyo, "東京 太郎")
    headers = bearer(people["osaka_staff"])
    for url in (
        f"/api/v1/businesses/{business.pk}",
        f"/api/v1/associations/{association.pk}",
        f"/api/v1/people/{person.pk}",
    ):
        response = client.get(url, **headers)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "見つかりません。", "errors": []}
    assert client.get("/api/v1/businesses", **headers).json()["items"] == []
    own = bearer(people["tokyo_staff"])
    assert client.get(f"/api/v1/businesses/{business.pk}", **own).json()["name"] == "東京商事"


def test_a_promoters_token_sees_only_their_assignments(client, people, tokyo):
    mine, other = make_business(tokyo, "担当商事"), make_business(tokyo, "他人商事")
    appointment = make_appointment(make_person(tokyo, user=people["tokyo_promoter"]), status="active")
    login(client, people["tokyo_staff"])
    client.post("/assignments/assign/", {"year": 2026, "business": [mine.pk], "appointment": appointment.pk})
    headers = bearer(people["tokyo_promoter"])
    assert [b["name"] for b in client.get("/api/v1/businesses", **headers).json()["items"]] == ["担当商事"]
    assert [a["business_name"] for a in client.get("/api/v1/assignments", **headers).json()["items"]] == [
        "担当商事"
    ]
    assert client.get(f"/api/v1/businesses/{other.pk}", **headers).status_code == 404
    assert client.get("/api/v1/people", **headers).status_code == 403
    assert client.get("/api/v1/associations", **headers).status_code == 403


def test_pages_follow_the_cursor_to_the_end_without_a_cap(client, people, tokyo):
    names = {f"事業所{n:03d}" for n in range(25)}
    for name in sorted(names):
        make_business(tokyo, name)
    headers = bearer(people["tokyo_staff"])
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 10, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/businesses", params, **headers).json()
        seen += [b["name"] for b in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert (pages, len(seen), set(seen)) == (3, 25, names)
    bad = client.get("/api/v1/businesses", {"cursor": "nonsense"}, **headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"
    too_many = client.get("/api/v1/businesses", {"limit": 5000}, **headers)
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "limit"
    wrong_type = client.get("/api/v1/businesses", {"limit": "たくさん"}, **headers)
    assert wrong_type.status_code == 422 and wrong_type.json()["errors"][0]["field"] == "limit"


def test_an_unchanged_page_answers_304_to_its_etag(client, people, tokyo):
    make_business(tokyo, "東京商事")
    headers = bearer(people["tokyo_staff"])
    first = client.get("/api/v1/businesses", **headers)
    etag = first["ETag"]
    assert client.get("/api/v1/businesses", HTTP_IF_NONE_MATCH=etag, **headers).status_code == 304
    make_business(tokyo, "新宿商事")
    assert client.get("/api/v1/businesses", HTTP_IF_NONE_MATCH=etag, **headers).status_code == 200


@pytest.mark.parametrize(("who", "status"), [("tokyo_staff", 200), ("tokyo_promoter", 403)])
def test_the_schema_and_local_docs_are_for_office_staff(client, people, who, status):
    assert client.get("/api/v1/openapi.json").status_code in (401, 302)
    login(client, people[who])
    docs = client.get("/api/v1/docs")
    assert docs.status_code == status
    if status == 200:
        assert "cdn" not in docs.content.decode().lower()
        assert "/static/ninja/swagger-ui-bundle.js" in docs.content.decode()


def test_the_openapi_schema_describes_every_operation(client, people):
    login(client, people["tokyo_staff"])
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/businesses", "/api/v1/people", "/api/v1/assignments", "/api/v1/me"} <= set(
        schema["paths"]
    )


def test_a_token_stops_working_when_its_user_is_deactivated(client, people):
    headers = bearer(people["tokyo_staff"])
    people["tokyo_staff"].is_active = False
    people["tokyo_staff"].save()
    assert client.get("/api/v1/me", **headers).status_code == 401
    assert timezone.now()


def test_the_phone_sends_its_offline_visits_in_a_batch_recorded_once(client, people, tokyo, osaka):
    import uuid

    from fieldwork.models import Visit

    mine, elsewhere = make_business(tokyo, "担当商事"), make_business(osaka, "大阪商事")
    appointment = make_appointment(make_person(tokyo, user=people["tokyo_promoter"]), status="active")
    login(client, people["tokyo_staff"])
    client.post("/assignments/assign/", {"year": 2026, "business": [mine.pk], "appointment": appointment.pk})
    headers = bearer(people["tokyo_promoter"])
    good, bad, foreign = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    today = timezone.localdate().isoformat()
    batch = {
        "visits": [
            {"client_key": str(good), "business_id": mine.pk, "visited_on": today, "outcome": "explained"},
            {
                "client_key": str(bad),
                "business_id": mine.pk,
                "visited_on": "2099-01-01",
                "outcome": "explained",
            },
            {
                "client_key": str(foreign),
                "business_id": elsewhere.pk,
                "visited_on": today,
                "outcome": "explained",
            },
        ]
    }
    first = client.post("/api/v1/visits/bulk", batch, content_type="application/json", **headers).json()[
        "results"
    ]
    assert [r["status"] for r in first] == ["created", "error", "error"]
    assert first[1]["errors"][0]["field"] == "visited_on"
    assert first[2]["errors"] == [{"field": "business_id", "message": "担当している事業所ではありません。"}]
    again = client.post("/api/v1/visits/bulk", batch, content_type="application/json", **headers).json()[
        "results"
    ]
    assert again[0] == {**first[0], "status": "duplicate"}
    assert Visit.objects.count() == 1
    viewer = bearer(people["tokyo_viewer"])
    assert (
        client.post("/api/v1/visits/bulk", batch, content_type="application/json", **viewer).status_code
        == 403
    )


def test_a_promoters_token_lists_only_their_own_visits_and_claims(client, people, tokyo):
    import uuid

    from fieldwork.models import Visit

    business = make_business(tokyo, "担当商事")
    mine = make_appointment(make_person(tokyo, user=people["tokyo_promoter"]), status="active")
    other = make_appointment(make_person(tokyo, "推進 次郎"), status="active")
    for appointment in (mine, other):
        Visit.objects.create(
            business=business,
            appointment=appointment,
            visited_on=timezone.localdate(),
            outcome="explained",
            client_key=uuid.uuid4(),
            recorded_by=people["tokyo_staff"],
        )
    own = client.get("/api/v1/visits", **bearer(people["tokyo_promoter"])).json()["items"]
    assert [v["appointment"] for v in own] == [mine.pk]
    staff = client.get("/api/v1/visits", **bearer(people["tokyo_staff"])).json()["items"]
    assert len(staff) == 2
    assert client.get("/api/v1/payment-batches", **bearer(people["tokyo_staff"])).status_code == 403


def test_progress_is_the_dashboards_for_the_nation_or_one_branch(client, people, tokyo, osaka):
    national = client.get("/api/v1/targets/progress", {"year": 2024}, **bearer(people["hq_staff"])).json()
    visited = next(m for m in national["measures"] if m["measure"] == "visited")
    assert (national["branch_id"], visited["target"], visited["unit"]) == (None, 97_000, "件")
    own = client.get("/api/v1/targets/progress", **bearer(people["tokyo_staff"])).json()
    assert own["branch_id"] == tokyo.pk and len(own["measures"][0]["months"]) == 12
    other = client.get("/api/v1/targets/progress", {"branch": osaka.pk}, **bearer(people["tokyo_staff"]))
    assert other.status_code == 404


def test_an_administrator_sees_a_users_tokens_on_the_users_page_but_not_their_secret(client, people):
    _, secret = ApiToken.issue(
        user=people["tokyo_staff"], name="集計用Excel", expires_on=timezone.localdate()
    )
    login(client, people["tokyo_admin"])
    page = client.get(f"/users/{people['tokyo_staff'].pk}/").content.decode()
    assert "集計用Excel" in page and secret[:10] in page and secret not in page


def test_a_token_may_expire_today_at_1am_on_a_utc_server(utc_server_at_1am_jst):
    # "Today" is Japan's day, not the server clock's (yesterday until 09:00 JST in UTC).
    user = User(username="staff", role=Role.BRANCH_STAFF)
    user.set_password(PASSWORD)
    data = {"name": "集計用Excel", "expires_on": utc_server_at_1am_jst.isoformat(), "password": PASSWORD}
    form = TokenForm(data, user=user)
    assert form.is_valid(), form.errors
    initial = TokenForm(user=user).fields["expires_on"].initial()
    assert initial == utc_server_at_1am_jst + datetime.timedelta(days=90)
