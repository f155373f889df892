"""The phone's offline drafts through the API: enrolment drafts in batches,
recorded once per client key by the enrolment form's rules; the site's own pages use the API with
their session, the CSRF token checked on every write."""

import uuid

from django.test import Client
from django.utils import timezone

from api.tests.test_api import bearer
from conftest import login, make_appointment, make_business, make_person
from fieldwork.client_keys import client_key_for
from fieldwork.models import Enrolment, Visit


def _assigned(client, people, tokyo, name="担当商事"):
    business = make_business(tokyo, name)
    appointment = make_appointment(make_person(tokyo, user=people["tokyo_promoter"]), status="active")
    login(client, people["tokyo_staff"])
    client.post(
        "/assignments/assign/", {"year": 2026, "business": [business.pk], "appointment": appointment.pk}
    )
    return business


def test_enrolment_drafts_are_recorded_once_by_the_forms_rules_R_ENR_1_R_ENR_5(client, people, tokyo, osaka):
    business = _assigned(client, people, tokyo)
    elsewhere = make_business(osaka, "大阪商事")
    good, bad, foreign = (str(uuid.uuid4()) for _ in range(3))
    batch = {
        "enrolments": [
            {
                "client_key": good,
                "business_id": business.pk,
                "kind": "unified_both",
                "insurance_number": "13-1-01-123456-000",
                "enrolled_on": "2026-10-01",
                "bureau_guidance": True,
            },
            {
                "client_key": bad,
                "business_id": business.pk,
                "kind": "unified_both",
                "insurance_number": "27-1-01-123456-000",
                "enrolled_on": "2026-10-01",
            },
            {
                "client_key": foreign,
                "business_id": elsewhere.pk,
                "kind": "unified_both",
                "insurance_number": "27-1-01-123456-000",
                "enrolled_on": "2026-10-01",
            },
        ]
    }
    phone = bearer(people["tokyo_promoter"])
    first = client.post("/api/v1/enrolments/bulk", batch, content_type="application/json", **phone).json()
    assert [r["status"] for r in first["results"]] == ["created", "error", "error"]
    assert first["results"][1]["errors"][0]["field"] == "insurance_number"
    assert "都道府県（13）と異なります" in first["results"][1]["errors"][0]["message"]
    assert first["results"][2]["errors"][0]["field"] == "business_id"
    enrolment = Enrolment.objects.get()
    assert (str(enrolment.client_key), enrolment.bureau_guidance, enrolment.ex_officio) == (good, True, False)
    assert enrolment.appointment.person.user == people["tokyo_promoter"]
    again = client.post("/api/v1/enrolments/bulk", batch, content_type="application/json", **phone).json()
    assert again["results"][0] == {**first["results"][0], "status": "duplicate"}
    assert Enrolment.objects.count() == 1
    staff = bearer(people["tokyo_staff"])
    assert (
        client.post("/api/v1/enrolments/bulk", batch, content_type="application/json", **staff).status_code
        == 403
    )


def test_the_site_posts_drafts_with_its_session_and_csrf_token(people, tokyo):
    business = _assigned(Client(), people, tokyo)
    signed_in = Client()
    login(signed_in, people["tokyo_promoter"])
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = signed_in.cookies
    browser.get("/field/")  # sets the CSRF cookie, as the worklist page does
    token = browser.cookies["csrftoken"].value
    draft = {
        "client_key": str(uuid.uuid4()),
        "business_id": business.pk,
        "visited_on": timezone.localdate().isoformat(),
        "outcome": "explained",
    }
    body = {"visits": [draft]}
    refused = browser.post("/api/v1/visits/bulk", body, content_type="application/json")
    assert refused.status_code == 403 and not Visit.objects.exists()
    sent = browser.post("/api/v1/visits/bulk", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert sent.status_code == 200 and sent.json()["results"][0]["status"] == "created"
    assert Visit.objects.get().recorded_by == people["tokyo_promoter"]
    # Reading needs no token either; a signed-out browser gets 401.
    assert browser.get("/api/v1/assignments").json()["items"][0]["business_name"] == "担当商事"
    assert Client().get("/api/v1/assignments").status_code == 401
    # A request naming a token is judged by the token alone, even with a session.
    assert browser.get("/api/v1/assignments", HTTP_AUTHORIZATION="Bearer issou_revoked").status_code == 401


def test_a_session_without_the_second_factor_reaches_no_api(client, people, tokyo):
    """An administrator signed in with the password alone is sent to the second factor, as on pages."""
    make_business(tokyo, "東京商事")
    client.post(
        "/login/", {"username": people["tokyo_admin"].username, "password": "correct-horse-battery-staple"}
    )
    response = client.get("/api/v1/businesses")
    assert response.status_code == 302 and response["Location"] == "/otp/"
    login(client, people["tokyo_admin"])
    assert [b["name"] for b in client.get("/api/v1/businesses").json()["items"]] == ["東京商事"]


def test_a_request_django_refuses_outright_answers_json_on_the_api(client, people):
    """A forged Host header is refused before any view: on the API the answer is still JSON."""
    response = client.get("/api/v1/me", HTTP_HOST="Y9hf%<&")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "リクエストの形式が正しくありません。", "errors": []}
    page = client.get("/login/", HTTP_HOST="Y9hf%<&")
    assert page.status_code == 400 and "リクエストを処理できません" in page.content.decode()


def test_an_enrolment_draft_made_on_another_persons_form_is_refused(client, people, tokyo):
    """A draft keeps the send key of the form it was typed in, which names its maker; sent
    under anyone else (a shared phone), it is refused, and one a client made itself is its sender's."""
    business = _assigned(client, people, tokyo)
    draft = {
        "business_id": business.pk,
        "kind": "unified_both",
        "insurance_number": "13-1-01-123456-000",
        "enrolled_on": "2026-10-01",
    }
    someone_elses = {**draft, "client_key": str(client_key_for(people["tokyo_instructor"]))}
    phone = bearer(people["tokyo_promoter"])
    sent = client.post(
        "/api/v1/enrolments/bulk", {"enrolments": [someone_elses]}, content_type="application/json", **phone
    ).json()
    assert sent["results"][0]["status"] == "error"
    assert "別の方が入力したもの" in sent["results"][0]["errors"][0]["message"]
    assert not Enrolment.objects.exists()
    own = {**draft, "client_key": str(uuid.uuid4())}
    sent = client.post(
        "/api/v1/enrolments/bulk", {"enrolments": [own]}, content_type="application/json", **phone
    ).json()
    assert sent["results"][0]["status"] == "created"
