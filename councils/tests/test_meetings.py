"""Council meetings, their papers, the flags for councils not held, handovers and the outreach plan."""

import datetime
import io
import uuid
import zipfile

import pytest
from django.test import override_settings

from conftest import login, make_appointment, make_business, make_person
from councils import services
from councils.models import CouncilFile, CouncilMeeting, Handover, OutreachPlan
from fieldwork.models import Enrolment, Visit
from org.models import FiscalYear
from roster.models import BusinessStatus

YEAR = 2026


def _meeting(branch, user, number="1", held_on=None, **fields):
    return CouncilMeeting.objects.create(
        branch=branch,
        fiscal_year=FiscalYear.objects.get(year=YEAR),
        number=number,
        planned_on=fields.pop("planned_on", datetime.date(2026, 4, 20)),
        held_on=held_on,
        created_by=user,
        **fields,
    )


def test_staff_record_a_council_with_members_and_minutes_R_CNL_2(client, people, tokyo):
    login(client, people["tokyo_staff"])
    response = client.post(
        "/councils/new/",
        {
            "year": YEAR,
            "number": "1",
            "counterpart": "bureau",
            "planned_on": "2026-04-20",
            "held_on": "2026-04-22",
            "bureau_members": "労働保険徴収部長\n適用主務課長",
            "branch_members": "会長\n促進員 東京花子",
            "agenda": "名簿の役割分担",
            "minutes": "分担案を了承",
            "decisions": "労働局 120件、支部 980件",
        },
        follow=True,
    )
    meeting = CouncilMeeting.objects.get()
    assert (meeting.branch, meeting.created_by) == (tokyo, people["tokyo_staff"])
    assert "令和8年4月22日" in response.content.decode()
    assert "適用主務課長" in response.content.decode()


def test_a_second_council_one_and_dates_outside_the_year_are_refused(client, people, tokyo):
    _meeting(tokyo, people["tokyo_staff"])
    login(client, people["tokyo_staff"])
    response = client.post(
        "/councils/new/",
        {"year": YEAR, "number": "1", "counterpart": "bureau", "planned_on": "2027-04-20"},
    )
    errors = response.context["form"].errors
    assert "第1回協議会は既に登録されています" in errors["number"][0]
    assert "期間内の日付" in errors["planned_on"][0]
    # Extra meetings and local councils (R-CNL-6) may be held as often as needed.
    for counterpart in ("bureau", "inspection_office"):
        data = {"year": YEAR, "number": "extra", "counterpart": counterpart, "planned_on": "2026-06-01"}
        assert client.post("/councils/new/", data).status_code == 302
    assert CouncilMeeting.objects.count() == 3


@pytest.mark.parametrize(
    ("today", "late"),
    [
        (datetime.date(2026, 4, 30), []),
        (datetime.date(2026, 5, 1), ["1"]),
        (datetime.date(2026, 10, 1), ["1", "2"]),
        (datetime.date(2027, 4, 1), ["3"]),  # last year's ③, due 31 March
    ],
)
def test_councils_not_held_by_their_month_are_flagged_R_CNL_1(people, tokyo, today, late):
    _meeting(tokyo, people["tokyo_staff"], number="1", planned_on=datetime.date(2026, 4, 20))  # planned only
    flagged = [o for o in services.overdue([tokyo], today) if o["fiscal_year"].year == YEAR]
    assert [o["number"] for o in flagged] == late


def test_a_held_council_clears_the_flag_on_the_home_pages(client, people, tokyo, osaka, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: datetime.date(2026, 5, 10))
    login(client, people["tokyo_staff"])
    assert "東京支部：令和8年度（2026年度） 第1回" in client.get("/").content.decode()
    _meeting(tokyo, people["tokyo_staff"], held_on=datetime.date(2026, 5, 8))
    assert "東京支部：令和8年度（2026年度） 第1回" not in client.get("/").content.decode()
    # HQ sees each branch behind: 46 of 47, Tokyo having held its council.
    login(client, people["hq_staff"])
    late = client.get("/queues/late/").content.decode()
    assert late.count("：令和8年度（2026年度）の協議会（第1回）が未開催") == 46
    assert "東京支部：令和8年度（2026年度）の協議会" not in late
    grid = client.get("/councils/", {"year": YEAR}).content.decode()
    assert grid.count('data-testid="late"') == 46


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def files_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    return tmp_path / "files" / "councils"


def test_papers_are_kept_outside_the_web_root_and_served_after_a_check(client, people, tokyo, files_dir):
    meeting = _meeting(tokyo, people["tokyo_staff"])
    login(client, people["tokyo_staff"])
    client.post(f"/councils/{meeting.pk}/files/", {"file": _upload("議事録.pdf", PDF)})
    paper = CouncilFile.objects.get()
    assert (files_dir / paper.stored_name).read_bytes() == PDF
    response = client.get(f"/councils/files/{paper.pk}/")
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    login(client, people["osaka_staff"])
    assert client.get(f"/councils/files/{paper.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100, "中身が拡張子（.pdf）と一致しません"),
        ("tool.exe", b"MZ\x90\x00", "受け付けられない種類のファイル"),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "大きすぎます"),
        ("fake.xlsx", None, "中身が拡張子（.xlsx）と一致しません"),
    ],
)
def test_bad_papers_are_refused_with_a_reason_and_nothing_kept(
    client, people, tokyo, files_dir, name, data, message
):
    if data is None:  # a zip that is not an Excel workbook
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("payload.txt", "x")
        data = buffer.getvalue()
    meeting = _meeting(tokyo, people["tokyo_staff"])
    login(client, people["tokyo_staff"])
    response = client.post(f"/councils/{meeting.pk}/files/", {"file": _upload(name, data)}, follow=True)
    assert message in response.content.decode()
    assert not CouncilFile.objects.exists()
    assert not files_dir.exists() or not any(files_dir.iterdir())


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_a_hard_case_handed_to_the_bureau_leaves_the_worklist_R_CNL_5(client, people, tokyo):
    business = make_business(tokyo, "困難商事", status=BusinessStatus.VISITED)
    promoter = make_appointment(make_person(tokyo, user=people["tokyo_promoter"]), status="active")
    login(client, people["tokyo_staff"])
    client.post("/assignments/assign/", {"year": YEAR, "business": [business.pk], "appointment": promoter.pk})
    response = client.post(
        f"/councils/handovers/new/{business.pk}/",
        {"handed_over_on": "2026-06-01", "reason": "度重なる訪問を拒否"},
        follow=True,
    )
    assert "労働局へ移管しました" in response.content.decode()
    business.refresh_from_db()
    assert business.status == BusinessStatus.HANDED_OVER
    assert business.assigned_to is None
    assert business.assignments.get().end_reason == "handed_over"
    assert Handover.objects.get().fiscal_year.year == YEAR
    assert "困難商事" in client.get("/councils/handovers/", {"year": YEAR}).content.decode()
    login(client, people["tokyo_promoter"])
    assert client.get(f"/roster/businesses/{business.pk}/").status_code == 404


def test_a_handover_needs_a_reason_and_a_date_not_in_the_future(client, people, tokyo):
    business = make_business(tokyo, "困難商事")
    login(client, people["tokyo_staff"])
    response = client.post(
        f"/councils/handovers/new/{business.pk}/", {"handed_over_on": "2099-01-01", "reason": "拒否"}
    )
    assert "未来の日付" in response.content.decode()
    response = client.post(f"/councils/handovers/new/{business.pk}/", {"handed_over_on": "2026-06-01"})
    assert "移管の理由" in response.content.decode()
    business.refresh_from_db()
    assert business.status == BusinessStatus.ON_ROSTER and not Handover.objects.exists()
    login(client, people["osaka_staff"])
    assert client.get(f"/councils/handovers/new/{business.pk}/").status_code == 404


def test_a_handover_the_workflow_refuses_answers_a_message_not_a_500(client, people, tokyo):
    # A business only identified (not yet on a roster) cannot go to the bureau; the refused
    # status move was a ValueError no page caught.
    business = make_business(tokyo, "把握商事", status=BusinessStatus.IDENTIFIED)
    login(client, people["tokyo_staff"])
    response = client.post(
        f"/councils/handovers/new/{business.pk}/", {"handed_over_on": "2026-06-01", "reason": "拒否"}
    )
    assert response.status_code == 200
    assert "「把握」から「労働局へ移管」には進めません。" in response.content.decode()
    business.refresh_from_db()
    assert business.status == BusinessStatus.IDENTIFIED and not Handover.objects.exists()


def test_the_bureaus_answer_on_a_handover_is_recorded_and_told_to_the_branch_R_CNL_5(client, people, tokyo):
    """The branch records the bureau's answer; the person who handed the case over and
    the branch's other staff are notified, the one who recorded it is not."""
    from notices.models import Notice

    business = make_business(tokyo, "困難商事", status=BusinessStatus.VISITED)
    login(client, people["tokyo_staff"])
    client.post(f"/councils/handovers/new/{business.pk}/", {"handed_over_on": "2026-06-01", "reason": "拒否"})
    handover = Handover.objects.get()
    login(client, people["tokyo_admin"])
    url = f"/councils/handovers/{handover.pk}/answer/"
    early = client.post(url, {"answered_on": "2026-05-01", "answer": "監督署で対応"}).content.decode()
    assert "回答日は移管日より後の日付にしてください。" in early
    client.post(url, {"answered_on": "2026-06-20", "answer": "新宿監督署が手続指導を行う"})
    handover.refresh_from_db()
    assert (handover.answer, handover.answered_by) == ("新宿監督署が手続指導を行う", people["tokyo_admin"])
    assert "新宿監督署が手続指導を行う" in client.get("/councils/handovers/", {"year": YEAR}).content.decode()
    told = set(
        Notice.objects.filter(key=f"handover_answered:{handover.pk}").values_list("user__username", flat=True)
    )
    assert told == {people["tokyo_staff"].username}
    login(client, people["osaka_staff"])
    assert client.get(url).status_code == 404
    login(client, people["tokyo_viewer"])
    assert client.get(url).status_code == 403


def test_the_outreach_plan_is_kept_by_month_and_compared_with_actuals_R_CNL_3(client, people, tokyo):
    council = _meeting(tokyo, people["tokyo_staff"], held_on=datetime.date(2026, 4, 20))
    appointment = make_appointment(make_person(tokyo, user=people["tokyo_promoter"]), status="active")
    login(client, people["tokyo_staff"])
    data = {"year": YEAR, "branch_capacity": 900, "bureau_capacity": 150, "adopted_at": council.pk}
    for month in range(1, 13):
        data[f"visits_{month}"], data[f"enrolments_{month}"] = 80, 20
    data["visits_5"] = 100
    response = client.post("/councils/plan/", data, follow=True)
    assert "加入促進計画を保存しました" in response.content.decode()
    plan = OutreachPlan.objects.get()
    assert (plan.branch_capacity, plan.adopted_at) == (900, council)
    assert plan.months.get(month=5).visits == 100
    business = make_business(tokyo, "訪問先", status=BusinessStatus.ALLOCATED)
    other = make_business(tokyo, "二度目の訪問先", status=BusinessStatus.ALLOCATED)
    for target, day, method in [
        (business, datetime.date(2026, 5, 12), "direct"),
        (business, datetime.date(2026, 5, 20), "direct"),  # the same business again: one business
        (other, datetime.date(2026, 4, 28), "direct"),
        (other, datetime.date(2026, 5, 2), "direct"),  # first visited in April
        (make_business(tokyo, "電話のみ"), datetime.date(2026, 5, 3), "phone"),  # not outreach
    ]:
        Visit.objects.create(
            business=target,
            appointment=appointment,
            visited_on=day,
            method=method,
            outcome="explained",
            client_key=uuid.uuid4(),
            recorded_by=people["tokyo_promoter"],
        )
    for kind, day in [
        ("unified_both", datetime.date(2026, 5, 25)),
        ("unified_koyou", datetime.date(2026, 5, 26)),
    ]:
        Enrolment.objects.create(
            business=make_business(tokyo, f"成立{kind}"),
            kind=kind,
            insurance_number="13101123456000",
            enrolled_on=day,
            appointment=appointment,
            recorded_by=people["tokyo_staff"],
        )
    page = client.get("/councils/plan/", {"year": YEAR}).content.decode()
    assert f'hx-get="/targets/plan-actuals/?branch={tokyo.pk}&amp;year={YEAR}"' in page
    fragment = client.get("/targets/plan-actuals/", {"year": YEAR}, headers={"HX-Request": "true"})
    assert (
        "<html" not in fragment.content.decode() and 'data-testid="plan-actuals"' in fragment.content.decode()
    )
    rows = {r["month"]: r for r in fragment.context["rows"]}
    # May: one business first visited (the other was first visited in April); the phone call and
    # the employment-insurance-only enrolment do not count (R-VIS-2, R-VIS-5).
    assert (rows[5]["visits_planned"], rows[5]["visits_actual"], rows[5]["enrolments_actual"]) == (100, 1, 1)
    assert (rows[4]["visits_actual"], rows[5]["visits_planned_total"], rows[5]["visits_actual_total"]) == (
        1,
        180,
        2,
    )
    assert (rows[6]["visits_planned_total"], rows[6]["visits_actual_total"]) == (260, 2)


def test_plan_figures_must_be_whole_numbers(client, people, tokyo):
    login(client, people["tokyo_staff"])
    data = {"year": YEAR, "branch_capacity": -1, "bureau_capacity": 0}
    response = client.post("/councils/plan/", data)
    assert response.status_code == 200
    assert "0以上" in response.content.decode() or "0 以上" in response.content.decode()
    assert not OutreachPlan.objects.exists()


@override_settings()
def test_viewers_read_the_plan_but_cannot_save_it(client, people, tokyo):
    login(client, people["tokyo_viewer"])
    assert client.get("/councils/plan/").status_code == 200
    assert client.post("/councils/plan/", {"year": YEAR}).status_code == 403
