"""Appointments: request, eligibility (R-PPL-7), pledge, decision by HQ, revocation (R-PPL-8), renewal."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from conftest import login, make_appointment, make_person
from org.models import Association, FiscalYear
from org.workflow import MoveRefused
from people import services
from people.models import Appointment, AppointmentStatus, Person

TODAY = datetime.date(2026, 5, 1)


@pytest.fixture
def tokyo_person(tokyo):
    return make_person(tokyo, "東京 推進")


def decide(appointment, actor):
    return services.appointment_decide(actor=actor, appointment=appointment, appointed_on=TODAY)


def test_branch_staff_request_an_appointment_for_their_person(client, people, tokyo_person):
    login(client, people["tokyo_staff"])
    fy = FiscalYear.objects.get(year=2026)
    response = client.post(
        f"/people/{tokyo_person.pk}/appoint/",
        {"fiscal_year": fy.pk, "role": "promoter", "has_expertise": "on", "declared_no_violation": "on"},
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(person=tokyo_person)
    assert (appointment.status, appointment.branch, appointment.requested_by) == (
        AppointmentStatus.REQUESTED,
        tokyo_person.branch,
        people["tokyo_staff"],
    )


def test_a_second_request_for_the_same_year_and_role_is_refused(people, tokyo_person):
    make_appointment(tokyo_person)
    with pytest.raises(ValidationError, match="既にあります"):
        services.appointment_request(
            actor=people["tokyo_staff"],
            person=tokyo_person,
            fiscal_year=FiscalYear.objects.get(year=2026),
            role="promoter",
            has_expertise=True,
            declared_no_violation=True,
        )


def test_no_appointment_becomes_active_without_the_pledge_R_PPL_7(people, tokyo_person):
    appointment = make_appointment(tokyo_person, pledge_signed_on=None)
    with pytest.raises(ValidationError, match="誓約書"):
        decide(appointment, people["hq_staff"])
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.REQUESTED


def test_an_eligible_request_with_pledge_becomes_active(people, tokyo_person):
    appointment = make_appointment(tokyo_person)
    assert decide(appointment, people["hq_staff"]) == []
    appointment.refresh_from_db()
    assert (appointment.status, appointment.appointed_on) == (AppointmentStatus.ACTIVE, TODAY)


@pytest.mark.parametrize(
    ("fields", "association", "condition"),
    [
        ({"has_expertise": False}, None, "専門的知識"),
        ({"declared_no_violation": False}, None, "労働保険関係法令に違反"),
        ({}, {"had_accounting_accident": True}, "会計事故"),
        ({}, {"had_premium_seizure": True}, "差押等の滞納処分"),
    ],
)
def test_a_failed_condition_refuses_the_appointment_and_is_named_R_PPL_7(
    people, tokyo, fields, association, condition
):
    person = make_person(tokyo, "代表 一郎")
    if association:
        person.association = Association.objects.create(branch=tokyo, name="東京第一事務組合", **association)
        person.save()
    appointment = make_appointment(person, **fields)
    failures = decide(appointment, people["hq_admin"])
    assert any(condition in f for f in failures)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.REFUSED
    assert condition in appointment.refusal_reason


def test_a_coordinator_needs_expertise_and_pledge_but_no_violation_declaration(people, tokyo_person):
    # 別紙4 3 lists expertise and the pledge for coordinators; the violation rule is 別紙5's, for promoters.
    appointment = make_appointment(tokyo_person, role="coordinator", declared_no_violation=False)
    assert decide(appointment, people["hq_admin"]) == []


def test_the_refusal_is_shown_to_hq_with_the_condition(client, people, tokyo_person):
    appointment = make_appointment(tokyo_person, has_expertise=False)
    login(client, people["hq_staff"])
    response = client.post(
        f"/appointments/{appointment.pk}/decide/", {"appointed_on": "2026-05-01"}, follow=True
    )
    assert (
        "委嘱できません。満たしていない要件：労働保険制度等に関する専門的知識を有すること"
        in response.content.decode()
    )


@pytest.mark.parametrize("who", ["tokyo_staff", "tokyo_admin"])
def test_only_hq_decides(client, people, tokyo_person, who):
    appointment = make_appointment(tokyo_person)
    login(client, people[who])
    assert (
        client.post(f"/appointments/{appointment.pk}/decide/", {"appointed_on": "2026-05-01"}).status_code
        == 403
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.REQUESTED


def test_the_branch_records_the_pledge_then_hq_appoints(client, people, tokyo_person):
    appointment = make_appointment(tokyo_person, pledge_signed_on=None)
    login(client, people["tokyo_staff"])
    client.post(f"/appointments/{appointment.pk}/pledge/", {"pledge_signed_on": "2026-04-10"})
    appointment.refresh_from_db()
    assert appointment.pledge_signed_on == datetime.date(2026, 4, 10)


def test_a_pledge_dated_today_is_accepted_at_1am_on_a_utc_server(
    client, people, tokyo_person, utc_server_at_1am_jst
):
    # The check compared with the server clock's date, yesterday until 09:00 JST in UTC.
    appointment = make_appointment(tokyo_person, pledge_signed_on=None)
    login(client, people["tokyo_staff"])
    response = client.post(
        f"/appointments/{appointment.pk}/pledge/",
        {"pledge_signed_on": utc_server_at_1am_jst.isoformat()},
        follow=True,
    )
    assert "誓約書の提出日を登録しました。" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.pledge_signed_on == utc_server_at_1am_jst


def test_hq_decides_many_at_once_and_hears_about_each(client, people, tokyo):
    good = make_appointment(make_person(tokyo, "良い 人"))
    bad = make_appointment(make_person(tokyo, "要件 不足"), has_expertise=False)
    waiting = make_appointment(make_person(tokyo, "誓約 待ち"), pledge_signed_on=None)
    login(client, people["hq_admin"])
    response = client.post(
        "/appointments/decide/",
        {"ids": [good.pk, bad.pk, waiting.pk], "appointed_on": "2026-05-01"},
        follow=True,
    )
    page = response.content.decode()
    assert "1件を委嘱しました" in page
    assert "委嘱不可 要件 不足" in page and "未決定 誓約 待ち" in page
    statuses = dict(Appointment.objects.values_list("pk", "status"))
    assert statuses == {good.pk: "active", bad.pk: "refused", waiting.pk: "requested"}


def test_only_one_representative_coordinator_per_branch_and_year_R_PPL_4(people, tokyo):
    first = make_appointment(make_person(tokyo, "代表 一"), role="coordinator", is_representative=True)
    second = make_appointment(make_person(tokyo, "代表 二"), role="coordinator", is_representative=True)
    decide(first, people["hq_admin"])
    with pytest.raises(ValidationError, match="代表促進員"):
        decide(second, people["hq_admin"])


def test_a_promoter_cannot_be_the_branch_representative(people, tokyo_person):
    with pytest.raises(ValidationError, match="促進員の中から"):
        services.appointment_request(
            actor=people["tokyo_staff"],
            person=tokyo_person,
            fiscal_year=FiscalYear.objects.get(year=2026),
            role="promoter",
            has_expertise=True,
            declared_no_violation=True,
            is_representative=True,
        )


def test_revocation_keeps_history_R_PPL_8(client, people, tokyo_person):
    appointment = make_appointment(tokyo_person, status="active")
    login(client, people["hq_admin"])
    response = client.post(
        f"/appointments/{appointment.pk}/revoke/",
        {"reason": "confidentiality", "revoked_on": "2026-09-30", "note": "名簿の持ち出し"},
        follow=True,
    )
    assert "委嘱を取り消しました" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.REVOKED
    assert (appointment.revoked_on, appointment.revoke_reason) == (
        datetime.date(2026, 9, 30),
        "confidentiality",
    )
    assert Person.objects.filter(pk=tokyo_person.pk).exists()
    page = client.get(f"/people/{tokyo_person.pk}/").content.decode()
    assert "委嘱取消" in page


def test_revocation_needs_a_reason_and_a_date_in_the_year(people, tokyo_person):
    appointment = make_appointment(tokyo_person, status="active")
    with pytest.raises(ValidationError):
        services.appointment_revoke(
            actor=people["hq_admin"], appointment=appointment, reason="", revoked_on=datetime.date(2026, 9, 1)
        )
    with pytest.raises(ValidationError, match="期間内"):
        services.appointment_revoke(
            actor=people["hq_admin"],
            appointment=appointment,
            reason="unable",
            revoked_on=datetime.date(2027, 4, 1),
        )


def test_revoking_a_refused_request_answers_a_message_on_the_page(client, people, tokyo_person):
    appointment = make_appointment(tokyo_person, status="refused")
    login(client, people["hq_admin"])
    response = client.post(
        f"/appointments/{appointment.pk}/revoke/",
        {"reason": "unable", "revoked_on": "2026-06-01"},
        follow=True,
    )
    assert response.status_code == 200
    assert "「委嘱不可」から「委嘱取消」には進めません。" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.REFUSED


def test_a_revoked_appointment_cannot_be_revoked_again(people, tokyo_person):
    appointment = make_appointment(tokyo_person, status="revoked")
    with pytest.raises(MoveRefused, match="には進めません"):
        services.appointment_revoke(
            actor=people["hq_admin"],
            appointment=appointment,
            reason="unable",
            revoked_on=datetime.date(2026, 9, 1),
        )


def test_renewal_previews_then_requests_next_year(client, people, tokyo):
    active = make_appointment(make_person(tokyo, "継続 一"), status="active")
    revoked = make_appointment(make_person(tokyo, "取消 二"), status="revoked")
    already = make_appointment(make_person(tokyo, "既存 三"), status="active")
    make_appointment(already.person, year=2027)
    login(client, people["hq_admin"])
    ids = {"ids": [active.pk, revoked.pk, already.pk]}
    preview = client.post("/appointments/renew/", ids).content.decode()
    assert "1件を令和9年度（2027年度）の委嘱として申請します" in preview
    assert "委嘱取消のため更新できません" in preview and "既にあります" in preview
    assert Appointment.objects.filter(fiscal_year__year=2027).count() == 1  # preview saved nothing
    client.post("/appointments/renew/", {**ids, "confirm": "1"})
    renewed = Appointment.objects.get(fiscal_year__year=2027, person=active.person)
    assert renewed.status == AppointmentStatus.REQUESTED
    assert renewed.pledge_signed_on is None  # a new pledge for the new appointment
    assert Appointment.objects.filter(fiscal_year__year=2027).count() == 2


def test_a_branch_cannot_renew_or_decide_through_ids_of_another_branch(client, people, osaka):
    other = make_appointment(make_person(osaka, "大阪 一"))
    login(client, people["tokyo_staff"])
    response = client.post("/appointments/letters.pdf", {"ids": [other.pk]}, follow=True)
    assert response["Content-Type"].startswith("text/html")  # nothing selected in its own scope
    assert "委嘱中の委嘱を選んでください" in response.content.decode()


def test_a_coordinators_pledge_is_received_and_recorded_by_hq_not_the_branch_R_PPL_7(
    client, people, tokyo_person
):
    # 別紙4 3(2): a coordinator's pledge goes to HQ (本部組織に提出); a promoter's to the branch.
    appointment = make_appointment(tokyo_person, role="coordinator", pledge_signed_on=None)
    login(client, people["tokyo_staff"])
    page = client.get(f"/appointments/{appointment.pk}/").content.decode()
    assert 'data-testid="pledge-at-hq"' in page and f"/appointments/{appointment.pk}/pledge/" not in page
    response = client.post(
        f"/appointments/{appointment.pk}/pledge/", {"pledge_signed_on": "2026-04-10"}, follow=True
    )
    assert "本部で誓約書を受け取ってから、本部が提出日を登録します。" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.pledge_signed_on is None
    login(client, people["hq_staff"])
    response = client.post(
        f"/appointments/{appointment.pk}/decide/", {"appointed_on": "2026-05-01"}, follow=True
    )
    assert "本部で誓約書を受け取ってから決定してください。" in response.content.decode()
    assert (
        f"/appointments/{appointment.pk}/pledge/"
        in client.get(f"/appointments/{appointment.pk}/").content.decode()
    )
    client.post(f"/appointments/{appointment.pk}/pledge/", {"pledge_signed_on": "2026-04-10"})
    client.post(f"/appointments/{appointment.pk}/decide/", {"appointed_on": "2026-05-01"})
    appointment.refresh_from_db()
    assert (appointment.pledge_signed_on, appointment.status) == (
        datetime.date(2026, 4, 10),
        AppointmentStatus.ACTIVE,
    )


def test_a_branch_asking_for_a_coordinator_cannot_date_the_pledge_itself_R_PPL_7(
    client, people, tokyo_person
):
    login(client, people["tokyo_staff"])
    fy = FiscalYear.objects.get(year=2026)
    response = client.post(
        f"/people/{tokyo_person.pk}/appoint/",
        {
            "fiscal_year": fy.pk,
            "role": "coordinator",
            "has_expertise": "on",
            "pledge_signed_on": "2026-04-10",
        },
    )
    assert "促進員の誓約書は本部に提出されます。" in response.content.decode()
    assert not Appointment.objects.exists()
    client.post(
        f"/people/{tokyo_person.pk}/appoint/",
        {"fiscal_year": fy.pk, "role": "coordinator", "has_expertise": "on"},
    )
    assert Appointment.objects.get().pledge_signed_on is None
