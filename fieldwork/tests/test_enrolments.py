"""Recording enrolments with their evidence (R-ENR-1 … R-ENR-5), from the promoter's and the branch's pages."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assignments.services import assignments_assign
from conftest import login, make_appointment, make_business, make_person
from fieldwork import services
from fieldwork.models import Enrolment, Evidence
from notices.models import Notice
from org.models import FiscalYear
from roster.models import BusinessStatus, RosterEntry
from roster.rollover import roster_rollover

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def during_the_year(monkeypatch, tmp_path, settings):
    moment = timezone.make_aware(datetime.datetime(2026, 10, 15, 10, 0))
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    settings.VAR_DIR = tmp_path


@pytest.fixture
def business(tokyo, people):
    alice = make_appointment(
        make_person(tokyo, "推進 アリス", user=people["tokyo_promoter"]), status="active"
    )
    business = make_business(tokyo, "成立商事", status=BusinessStatus.VISITED)
    assignments_assign(
        actor=people["tokyo_staff"],
        branch=tokyo,
        fiscal_year=FiscalYear.objects.get(year=2026),
        business_ids=[business.pk],
        appointment=alice,
    )
    business.refresh_from_db()
    return business


def _post(client, business, *, files=None, **fields):
    data = {"kind": "unified_both", "insurance_number": "13-1-01-123456-000", "enrolled_on": "2026-10-01"}
    data.update(fields)
    for kind, upload in (files or {}).items():
        data[f"evidence_{kind}"] = upload
    return client.post(f"/field/businesses/{business.pk}/enrolment/", data, follow=True)


def test_a_promoter_records_an_enrolment_with_its_evidence_R_ENR_1_R_ENR_2(
    client, people, business, tmp_path
):
    login(client, people["tokyo_promoter"])
    response = _post(client, business, files={"enrolment_notice": SimpleUploadedFile("成立届.pdf", PDF)})
    assert "「成立商事」の保険関係成立を記録しました。" in response.content.decode()
    enrolment = Enrolment.objects.get()
    assert (enrolment.covers_rousai, enrolment.covers_koyou) == (True, True)
    assert enrolment.appointment.person.full_name == "推進 アリス"
    business.refresh_from_db()
    assert business.status == BusinessStatus.ENROLLED
    # For employment insurance the establishment notice and the confirmations are still missing.
    assert enrolment.evidence_checklist() == [
        ("保険関係成立届（写）", True),
        ("雇用保険適用事業所設置届（事業主控）（写）", False),
        ("被保険者資格取得等確認通知書（写・全員分）", False),
    ]
    client.post(
        f"/enrolments/{enrolment.pk}/evidence/",
        {
            "evidence_establishment_notice": SimpleUploadedFile("設置届.jpg", JPEG),
            "evidence_insured_confirmation": [
                SimpleUploadedFile("通知1.pdf", PDF),
                SimpleUploadedFile("通知2.pdf", PDF),
            ],
        },
    )
    assert enrolment.evidence_complete
    stored = Evidence.objects.get(filename="設置届.jpg")
    assert (tmp_path / "files" / "evidence" / stored.stored_name).read_bytes() == JPEG
    response = client.get(f"/evidence/{stored.pk}/")
    assert b"".join(response.streaming_content) == JPEG
    assert response["Content-Disposition"].startswith("attachment;")


def test_branch_staff_confirm_the_employment_insurance_procedure_R_ENR_3(client, people, business):
    login(client, people["tokyo_promoter"])
    _post(client, business)
    enrolment = Enrolment.objects.get()
    assert enrolment.needs_koyou_confirmation
    assert client.post(f"/enrolments/{enrolment.pk}/confirm/").status_code == 403
    login(client, people["tokyo_staff"])
    client.post(f"/enrolments/{enrolment.pk}/confirm/")
    enrolment.refresh_from_db()
    assert not enrolment.needs_koyou_confirmation
    assert enrolment.koyou_confirmed_by == people["tokyo_staff"]

    # D-5: the promoter is told of the assignment; the success fee becomes claimable only
    # once the evidence is complete as well, and the promoter is told then, once.
    def titles():
        return list(
            Notice.objects.filter(user=people["tokyo_promoter"])
            .order_by("pk")
            .values_list("title", flat=True)
        )

    assert titles() == ["担当事業所が新しく割り当てられました"]
    login(client, people["tokyo_promoter"])
    documents = {
        "evidence_enrolment_notice": SimpleUploadedFile("成立届.pdf", PDF),
        "evidence_establishment_notice": SimpleUploadedFile("設置届.jpg", JPEG),
        "evidence_insured_confirmation": SimpleUploadedFile("通知.pdf", PDF),
    }
    client.post(f"/enrolments/{enrolment.pk}/evidence/", documents)
    client.post(
        f"/enrolments/{enrolment.pk}/evidence/",
        {"evidence_enrolment_notice": SimpleUploadedFile("2.pdf", PDF)},
    )
    assert titles() == [
        "担当事業所が新しく割り当てられました",
        "「成立商事」の成功報酬費を申請できるようになりました",
    ]


def test_bureau_guidance_is_recorded_and_marked_as_earning_no_success_fee_R_ENR_4(client, people, business):
    login(client, people["tokyo_promoter"])
    response = _post(client, business, kind="unified_rousai", bureau_guidance="on")
    assert "対象外（労働局の手続指導）" in response.content.decode()


def test_a_second_enrolment_for_the_same_insurance_is_refused(client, people, business):
    login(client, people["tokyo_promoter"])
    _post(client, business, kind="split_rousai")
    response = _post(client, business, kind="unified_both", insurance_number="13-3-01-123456-000")
    assert "この事業所の労災保険の成立は既に記録されています。" in response.content.decode()
    # The other insurance of a dual-application business is a separate enrolment.
    response = _post(client, business, kind="split_koyou", insurance_number="13-3-01-123456-000")
    assert "保険関係成立を記録しました" in response.content.decode()
    assert Enrolment.objects.count() == 2


def test_the_business_page_shows_its_insurance_number_once_enrolled(client, people, business):
    """The number as offices write it, with hyphens, on the business's page."""
    login(client, people["tokyo_staff"])
    before = client.get(f"/roster/businesses/{business.pk}/").content.decode()
    login(client, people["tokyo_promoter"])
    _post(client, business, insurance_number="13101123456000")
    login(client, people["tokyo_staff"])
    after = client.get(f"/roster/businesses/{business.pk}/").content.decode()
    assert "13-1-01-123456-000" not in before
    assert "13-1-01-123456-000（一元適用事業（労災保険・雇用保険））" in after


def test_the_same_form_sent_twice_is_recorded_once(client, people, business):
    """A double tap, or a draft the phone sends again: the form's client key finds the first."""
    login(client, people["tokyo_promoter"])
    key = str(uuid.uuid4())
    first = _post(client, business, client_key=key).content.decode()
    again = _post(client, business, client_key=key).content.decode()
    assert "保険関係成立を記録しました" in first and "この成立は記録済みです。" in again
    assert Enrolment.objects.get().client_key == uuid.UUID(key)
    # The form itself carries a new key each time it is shown.
    form = client.get(f"/field/businesses/{business.pk}/enrolment/").context["form"]
    assert form["client_key"].value() and str(form["client_key"].value()) != key


@pytest.mark.parametrize(
    ("fields", "files", "message"),
    [
        ({"insurance_number": "13-1-01-12345"}, {}, "14桁の数字"),
        ({"insurance_number": "27-1-01-123456-000"}, {}, "事業所の都道府県（13）と異なります"),
        ({"enrolled_on": "2026-10-16"}, {}, "未来の日付"),
        ({}, {"enrolment_notice": ("photo.jpg", JPEG + b"\x00" * (30 * 1024 * 1024))}, "大きすぎます"),
        (
            {},
            {"enrolment_notice": ("成立届.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)},
            "中身が拡張子（.pdf）と一致しません",
        ),
        ({}, {"enrolment_notice": ("setup.exe", b"MZ\x90\x00")}, "受け付けられない種類"),
    ],
)
def test_bad_enrolments_get_a_clear_message_and_save_nothing(
    client, people, business, tmp_path, fields, files, message
):
    login(client, people["tokyo_promoter"])
    uploads = {kind: SimpleUploadedFile(name, data) for kind, (name, data) in files.items()}
    response = _post(client, business, files=uploads, **fields)
    assert message in response.content.decode()
    assert not Enrolment.objects.exists() and not Evidence.objects.exists()
    assert not (tmp_path / "files" / "evidence").exists() or not any(
        (tmp_path / "files" / "evidence").iterdir()
    )
    business.refresh_from_db()
    assert business.status == BusinessStatus.VISITED


def test_evidence_of_another_branch_or_promoter_is_not_found(client, people, business, osaka):
    login(client, people["tokyo_promoter"])
    _post(client, business, files={"enrolment_notice": SimpleUploadedFile("成立届.pdf", PDF)})
    evidence = Evidence.objects.get()
    login(client, people["osaka_staff"])
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404
    assert client.get(f"/enrolments/{evidence.enrolment_id}/").status_code == 404
    login(client, people["tokyo_staff"])
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 200
    page = client.get(f"/roster/businesses/{business.pk}/").content.decode()
    assert "一元適用事業（労災保険・雇用保険）" in page


def test_one_insurance_of_two_leaves_the_business_partly_enrolled_and_on_the_roster_D_6(
    client, people, business
):
    login(client, people["tokyo_promoter"])
    page = _post(client, business, kind="unified_rousai").content.decode()
    assert "雇用保険は未手続のため「一部成立」として名簿に残り、引き続き加入勧奨の対象です。" in page
    business.refresh_from_db()
    assert (business.status, business.missing_insurance) == (BusinessStatus.PARTIAL, "雇用保険")
    # Still on the promoter's worklist, and a visit can be recorded for the missing insurance.
    assert "成立商事" in client.get("/field/").content.decode()
    services.check_visit(
        business=business,
        appointment=business.assigned_to,
        companion=None,
        visited_on=datetime.date(2026, 10, 15),
    )
    # Carried into next year's roster.
    roster_rollover(branch=business.branch, fiscal_year=FiscalYear.objects.get(year=2027))
    assert RosterEntry.objects.filter(business=business, fiscal_year__year=2027).exists()
    # Enrolling in employment insurance completes it.
    _post(client, business, kind="unified_koyou", insurance_number="13-1-01-123456-000")
    business.refresh_from_db()
    assert (business.status, business.missing_insurance) == (BusinessStatus.ENROLLED, "")


def test_a_business_where_only_one_insurance_applies_is_enrolled_by_it_D_6(client, people, business):
    login(client, people["tokyo_promoter"])
    _post(client, business, kind="unified_rousai", one_insurance_only="on")
    business.refresh_from_db()
    assert (business.status, business.one_insurance_only) == (BusinessStatus.ENROLLED, True)


@pytest.mark.parametrize(
    ("kind", "asks_for_the_completion_notice"),
    [("unified_both", True), ("unified_koyou", True), ("unified_rousai", False)],
)
def test_the_completion_notice_is_asked_only_for_an_online_acquisition_filing_R_ENR_2(
    client, people, business, kind, asks_for_the_completion_notice
):
    """The printed 処理完了通知 belongs to the employment-insurance documents: it is asked for only when
    the 被保険者資格取得届 was filed online, and never for an enrolment in workers' accident insurance only."""
    login(client, people["tokyo_promoter"])
    _post(client, business, kind=kind, filed_electronically="on")
    labels = [label for label, _ in Enrolment.objects.get().evidence_checklist()]
    assert ("電子申請の処理完了通知（印刷）" in labels) is asks_for_the_completion_notice
    assert not any("到達通知" in label for label in labels)
