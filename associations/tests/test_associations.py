"""The association registry, membership over time and the membership rate (R-ORG-3, R-PPL-7)."""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from associations import rates
from associations.models import Consultation, Membership
from audit.models import AuditEntry
from conftest import login, make_appointment, make_person
from org.models import Association, AssociationStatus
from people import rules

HEADERS = [
    "支部コード",
    "事務組合名",
    "代表者氏名",
    "認可年月日",
    "会員区分",
    "入会日",
    "退会日",
    "状況",
    "解散・廃止日",
]


def workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, name: str = "associations.xlsx"):
    return client.post("/associations/import/", {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def staff(client, people):
    login(client, people["tokyo_staff"])
    return client


def test_a_registry_file_with_an_error_names_the_row_and_column_and_saves_nothing(staff, tokyo):
    data = workbook(
        [
            ["13", "新宿労働保険事務組合", "新宿 一郎", "2001-04-01", "会員", "2001-04-01", None, None, None],
            ["13", "渋谷事務組合", "渋谷 花子", "令和2年13月1日", "会員", None, None, None, None],
            ["13", "品川事務組合", "", None, "準会員", None, None, None, None],
        ]
    )
    page = upload(staff, data).content.decode()
    assert "3行目「認可年月日」" in page
    assert "4行目「会員区分」：「会員」または「非会員」を入力してください。" in page
    assert "取り込む</button>" not in page
    response = staff.post("/associations/import/confirm/")
    assert response.status_code == 302
    assert not Association.objects.exists()


def test_a_registry_file_is_imported_with_membership_periods_and_again_changes_nothing(staff, tokyo, people):
    rows = [
        ["13", "新宿労働保険事務組合", "新宿 一郎", "2001-04-01", "会員", "2001-04-01", None, None, None],
        ["13", "渋谷事務組合", "渋谷 花子", "令和2年4月1日", "非会員", None, None, None, None],
    ]
    for _ in range(2):
        assert "取り込む</button>" in upload(staff, workbook(rows)).content.decode()
        staff.post("/associations/import/confirm/")
    shinjuku = Association.objects.get(name="新宿労働保険事務組合")
    assert (shinjuku.is_member, shinjuku.representative, shinjuku.approved_on) == (
        True,
        "新宿 一郎",
        datetime.date(2001, 4, 1),
    )
    assert Association.objects.get(name="渋谷事務組合").approved_on == datetime.date(2020, 4, 1)
    assert list(Membership.objects.values_list("association__name", "joined_on", "left_on")) == [
        ("新宿労働保険事務組合", datetime.date(2001, 4, 1), None)
    ]
    # Leaving by the file: the period closes on the day given; the audit trail names who did it.
    rows[0][4:7] = ["非会員", None, "2026-10-01"]
    upload(staff, workbook(rows))
    staff.post("/associations/import/confirm/")
    period = Membership.objects.get()
    assert period.left_on == datetime.date(2026, 10, 1)
    assert AuditEntry.objects.filter(content_type__model="membership", actor=people["tokyo_staff"]).exists()


def test_an_overlong_name_is_refused_saying_how_long_it_is(staff, tokyo):
    """As the roster import does: the limit and the length found, so the person knows how much to cut."""
    name = "長" * 150
    page = upload(staff, workbook([["13", name, "", None, "会員", "2020-04-01", None, None, None]]))
    assert "2行目「事務組合名」：100文字を超えています（150文字）。" in page.content.decode()


def test_a_branch_imports_only_its_own_associations(staff, tokyo):
    page = upload(staff, workbook([["27", "大阪事務組合", "", None, "会員", "2020-04-01", None, None, None]]))
    assert "2行目「支部コード」：自支部の事務組合だけを取り込めます。" in page.content.decode()


def test_the_export_reads_back_as_the_import_takes_it(staff, tokyo, people):
    association = Association.objects.create(
        branch=tokyo, name="新宿労働保険事務組合", representative="新宿 一郎"
    )
    staff.post(f"/associations/{association.pk}/join/", {"joined_on": "2010-04-01"})
    response = staff.get("/associations/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert header[:3] == ["支部コード", "事務組合名", "事務組合名カナ"]
    record = dict(zip(header, row, strict=True))
    assert (record["事務組合名"], record["会員区分"], record["委託事業主数"]) == (
        "新宿労働保険事務組合",
        "会員",
        0,
    )
    assert record["入会日"].date() == datetime.date(2010, 4, 1)


def test_the_membership_rate_at_any_date_per_branch_and_nation_R_ORG_3(tokyo, osaka, people):
    hq = people["hq_admin"]
    from associations import services

    def association(branch, name, joined=None, approved=datetime.date(2000, 4, 1)):
        made = Association.objects.create(branch=branch, name=name, approved_on=approved)
        if joined:
            services.membership_join(actor=hq, association=made, joined_on=joined)
        return made

    for n in range(4):
        association(tokyo, f"東京{n}", joined=datetime.date(2010, 4, 1))
    leaving = association(tokyo, "東京退会", joined=datetime.date(2010, 4, 1))
    association(tokyo, "東京非会員")
    association(osaka, "大阪1", joined=datetime.date(2024, 6, 1))
    association(osaka, "大阪2", approved=datetime.date(2025, 4, 1))
    closing = association(osaka, "大阪解散", joined=datetime.date(2010, 4, 1))
    services.membership_leave(actor=hq, association=leaving, left_on=datetime.date(2025, 4, 1))
    services.association_close(
        actor=hq, association=closing, closed_on=datetime.date(2025, 10, 1), reason="後継者不在"
    )

    before = rates.by_branch(datetime.date(2024, 3, 31), [tokyo.pk, osaka.pk])
    assert (before[tokyo.pk], before[osaka.pk]) == (rates.Rate(5, 6), rates.Rate(1, 2))
    now = rates.by_branch(datetime.date(2026, 11, 30), [tokyo.pk, osaka.pk])
    # 東京: the one that left is still an association, not a member; 大阪: the closed one is gone.
    assert (now[tokyo.pk], now[osaka.pk]) == (rates.Rate(4, 6), rates.Rate(1, 2))
    assert str(now[tokyo.pk].percent) == "66.7"
    assert str((now[tokyo.pk] + now[osaka.pk]).percent) == "62.5"
    assert closing.memberships.get().left_on == datetime.date(2025, 10, 1)


def test_the_rate_page_shows_blocks_nation_trend_and_the_years_movements(client, tokyo, osaka, people):
    from associations import services

    hq = people["hq_admin"]
    joined = Association.objects.create(branch=tokyo, name="新宿労働保険事務組合")
    services.membership_join(actor=hq, association=joined, joined_on=datetime.date(2026, 5, 1))
    approached = Association.objects.create(branch=osaka, name="梅田事務組合")
    Consultation.objects.create(
        branch=osaka,
        association=approached,
        kind="joining",
        held_on=datetime.date(2026, 9, 1),
        summary="入会の案内",
        recorded_by=hq,
    )
    login(client, hq)
    page = client.get("/associations/rate/?date=2026-11-30").content.decode()
    assert 'data-testid="rate-nation"' in page and "ブロック計" in page
    assert "50.0%" in page  # 1 of 2 nationally
    assert "令和7年度末" in page
    assert "新宿労働保険事務組合" in page  # joined this year
    assert "梅田事務組合" in page and "令和8年9月1日" in page  # approached, with its last consultation
    # A branch sees its own branch only.
    login(client, people["osaka_staff"])
    page = client.get("/associations/rate/?date=2026-11-30").content.decode()
    assert "新宿労働保険事務組合" not in page and 'data-testid="rate-nation"' not in page
    assert "梅田事務組合" in page


def test_an_accident_recorded_stops_the_representative_being_appointed_R_PPL_7(staff, tokyo, people):
    association = Association.objects.create(branch=tokyo, name="新宿労働保険事務組合")
    person = make_person(tokyo, association=association)
    appointment = make_appointment(person, has_expertise=True, declared_no_violation=True)
    assert rules.eligibility_failures(appointment) == []
    response = staff.post(
        f"/associations/{association.pk}/incidents/",
        {"kind": "seizure", "occurred_on": "2019-07-01", "summary": "労働保険料の滞納による差押"},
    )
    assert response.status_code == 302
    appointment.person.association.refresh_from_db()
    assert rules.eligibility_failures(appointment) == [
        "代表する事務組合（新宿労働保険事務組合）が差押等の滞納処分を受けたことがないこと"
    ]
    page = staff.get(f"/associations/{association.pk}/").content.decode()
    assert "労働保険料の滞納による差押" in page and "委嘱できません" in page


def test_joining_twice_or_leaving_before_joining_is_refused_with_the_field_named(staff, tokyo):
    association = Association.objects.create(branch=tokyo, name="新宿労働保険事務組合")
    staff.post(f"/associations/{association.pk}/join/", {"joined_on": "2020-04-01"})
    response = staff.post(f"/associations/{association.pk}/join/", {"joined_on": "2021-04-01"}, follow=True)
    assert "既に会員です" in response.content.decode()
    response = staff.post(f"/associations/{association.pk}/leave/", {"left_on": "2019-04-01"}, follow=True)
    assert "退会日は入会日" in response.content.decode()
    assert Membership.objects.get().left_on is None


def test_a_consultation_about_an_association_not_yet_founded(staff, tokyo):
    response = staff.post(
        "/associations/consultations/new/",
        {
            "party": "新宿商工会（事務組合の設立を検討）",
            "kind": "new",
            "held_on": "2026-11-02",
            "summary": "認可申請の手順",
        },
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert (consultation.branch, consultation.association) == (tokyo, None)
    assert "新宿商工会" in staff.get("/associations/consultations/").content.decode()
    response = staff.post(
        "/associations/consultations/new/", {"kind": "new", "held_on": "2026-11-02", "summary": "x"}
    )
    assert "事務組合を選ぶか、相談者" in response.content.decode()


def test_another_branchs_association_is_404_and_a_promoter_or_viewer_cannot_change_one(
    client, tokyo, osaka, people
):
    association = Association.objects.create(branch=tokyo, name="新宿労働保険事務組合")
    login(client, people["osaka_staff"])
    assert client.get(f"/associations/{association.pk}/").status_code == 404
    assert (
        client.post(f"/associations/{association.pk}/join/", {"joined_on": "2020-04-01"}).status_code == 404
    )
    assert "新宿" not in client.get("/associations/").content.decode()
    login(client, people["tokyo_promoter"])
    assert client.get("/associations/").status_code == 403
    login(client, people["tokyo_viewer"])
    assert client.get(f"/associations/{association.pk}/").status_code == 200
    assert (
        client.post(f"/associations/{association.pk}/join/", {"joined_on": "2020-04-01"}).status_code == 403
    )
    assert not association.memberships.exists()


def test_closing_ends_the_membership_and_keeps_the_reason(staff, tokyo):
    association = Association.objects.create(branch=tokyo, name="新宿労働保険事務組合")
    staff.post(f"/associations/{association.pk}/join/", {"joined_on": "2020-04-01"})
    staff.post(f"/associations/{association.pk}/close/", {"closed_on": "2026-09-30", "reason": "後継者不在"})
    association.refresh_from_db()
    assert (association.status, association.status_reason, association.is_member) == (
        AssociationStatus.CLOSED,
        "後継者不在",
        False,
    )
    assert "後継者不在" in staff.get(f"/associations/{association.pk}/").content.decode()


def test_a_new_association_is_registered_as_a_member_from_its_joining_date(staff, tokyo):
    response = staff.post(
        "/associations/new/",
        {
            "name": "四谷労働保険事務組合",
            "postal_code": "160-0004",
            "status": "active",
            "approved_on": "2015-04-01",
            "joined_on": "2015-06-01",
        },
    )
    association = Association.objects.get()
    assert response.url == f"/associations/{association.pk}/"
    assert (association.branch, association.postal_code, association.is_member) == (tokyo, "1600004", True)
    assert association.memberships.get().joined_on == datetime.date(2015, 6, 1)
    bad = staff.post("/associations/new/", {"name": "x", "postal_code": "160-00", "status": "active"})
    assert "郵便番号は7桁の数字で入力してください" in bad.content.decode()


def test_a_business_enrolled_through_the_association_is_listed_on_it_R_VIS_4(staff, tokyo, people):
    from conftest import make_business
    from fieldwork.models import Enrolment

    association = Association.objects.create(branch=tokyo, name="新宿労働保険事務組合")
    Enrolment.objects.create(
        business=make_business(tokyo, "紹介商事"),
        kind="unified_both",
        insurance_number="13101123456000",
        enrolled_on=datetime.date(2026, 6, 1),
        association=association,
        recorded_by=people["tokyo_staff"],
    )
    page = staff.get(f"/associations/{association.pk}/").content.decode()
    assert "紹介商事" in page and "13-1-01-123456-000" in page


def test_the_list_counts_each_employer_once_however_many_consultations(staff, tokyo, people):
    from associations.models import EntrustingEmployer

    association = Association.objects.create(branch=tokyo, name="新宿労働保険事務組合")
    for name in ("甲商事", "乙工業"):
        EntrustingEmployer.objects.create(association=association, name=name)
    for day in (1, 2, 3):
        Consultation.objects.create(
            branch=tokyo,
            association=association,
            kind="joining",
            held_on=datetime.date(2026, 9, day),
            summary="案内",
            recorded_by=people["tokyo_staff"],
        )
    page = staff.get("/associations/").content.decode()
    assert '<td class="text-end">2</td>' in page and '<td class="text-end">6</td>' not in page


def test_the_list_reads_numbered_associations_in_natural_order(staff, tokyo):
    for number in (10, 2, 1, 11, "３"):
        Association.objects.create(branch=tokyo, name=f"東京労働保険事務組合第{number}")
    page = staff.get("/associations/").content.decode()
    shown = re.findall(r"東京労働保険事務組合第([0-9０-９]+)", page)
    assert list(dict.fromkeys(shown)) == ["1", "2", "３", "10", "11"]
