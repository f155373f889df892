"""Importing lists into the roster in the background: mapping, linking, review, atomicity (R-ROS-3, R-ROS-4)."""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from conftest import login, make_business
from lib import tables
from lib.corporate_number import check_digit
from org.models import FiscalYear
from roster import importing
from roster.models import Business, BusinessSource, ImportJob, JobStatus, MatchReview, ReviewDecision
from roster.tasks import run_import

NUMBER = f"{check_digit('011001098993')}011001098993"
HEADER = "名称,住所,法人番号,電話番号\r\n"
ROWS = [
    f"㈱髙橋①商事,東京都千代田区霞が関三丁目1番1号,{NUMBER},03-1234-5678\r\n",
    "山田工業(有),東京都港区芝公園4－2－8,,\r\n",
    "山田工業有限会社,東京都港区芝公園4丁目2番8号 ～ビル,,\r\n",  # the same business, written otherwise
    "住所なし商店,,,\r\n",
    "番号誤り株式会社,東京都中央区銀座1-1-1,4011001098994,\r\n",
]


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def upload(client, body: str, tokyo, *, encoding="cp932", name="list.csv"):
    data = (HEADER + body).encode(encoding)
    response = client.post(
        "/roster/import/",
        {
            "file": SimpleUploadedFile(name, data),
            "kind": "list",
            "branch": tokyo.pk,
            "fiscal_year": 2026 - 2011 + 1,
        },
    )
    return response


def run(client, django_capture_on_commit_callbacks, mapping=None):
    page = client.get("/roster/import/mapping/")
    initial = {name: field.initial or "" for name, field in page.context["form"].fields.items()}
    initial.update({name: page.context["form"].initial.get(name, "") for name in initial})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/roster/import/mapping/", mapping or initial)
    assert response.status_code == 302, response.content.decode()
    return ImportJob.objects.latest("pk")


@pytest.fixture
def staff(client, people):
    login(client, people["tokyo_staff"])
    return client


def test_a_cp932_list_is_mapped_linked_and_imported_in_the_background(
    staff, tokyo, django_capture_on_commit_callbacks
):
    assert upload(staff, "".join(ROWS), tokyo).status_code == 302
    mapping_page = staff.get("/roster/import/mapping/")
    assert mapping_page.context["form"].initial["name"] == "名称"
    # The file's first rows beside the mapping, to check the columns against.
    assert (
        "㈱髙橋①商事" in mapping_page.content.decode()
        and "ファイルの先頭5行" in mapping_page.content.decode()
    )
    assert mapping_page.context["form"].initial["address"] == "住所"
    job = run(staff, django_capture_on_commit_callbacks)
    assert (job.status, job.rows_read, job.added, job.merged, job.rejected) == (JobStatus.DONE, 5, 2, 1, 2)
    assert Business.objects.filter(branch=tokyo).count() == 2
    takahashi = Business.objects.get(corporate_number=NUMBER)
    assert (takahashi.name, takahashi.name_core, takahashi.legal_form) == (
        "㈱髙橋①商事",
        "高橋1商事",
        "株式会社",
    )
    assert Business.objects.get(name_core="山田工業").sources.count() == 2  # both spellings, one business
    page = staff.get(f"/roster/import/{job.pk}/").content.decode()
    assert "新しく登録" in page and "不採用" in page
    # Why a row was refused is on the page itself, not only in the CSV (a person reads it there first).
    assert "「所在地」：入力がありません" in page and "チェックデジット不一致" in page
    # The import page lists the recent imports, each a link to its job.
    assert f'href="/roster/import/{job.pk}/"' in staff.get("/roster/import/").content.decode()
    rejected = staff.get(f"/roster/import/{job.pk}/rejected.csv").content.decode("utf-8-sig")
    assert "5行目" in rejected and "「所在地」：入力がありません" in rejected
    assert "6行目" in rejected and "チェックデジット不一致" in rejected


def test_importing_the_same_file_again_adds_nothing(staff, tokyo, django_capture_on_commit_callbacks):
    for _ in range(2):
        upload(staff, "".join(ROWS), tokyo)
        run(staff, django_capture_on_commit_callbacks)
    assert Business.objects.count() == 2
    assert BusinessSource.objects.count() == 3
    assert ImportJob.objects.latest("pk").added == 0


def test_a_row_imported_before_goes_to_the_business_that_holds_it_even_after_a_move_R_ROS_4(
    staff, tokyo, django_capture_on_commit_callbacks
):
    upload(staff, ROWS[1], tokyo)
    run(staff, django_capture_on_commit_callbacks)
    # The branch learnt that the business moved and corrected it: the old row no longer looks alike.
    Business.objects.update(address="東京都八王子市元本郷町3-24-1", address_key="八王子市元本郷町3-24-1")
    upload(staff, ROWS[1], tokyo)
    again = run(staff, django_capture_on_commit_callbacks)
    assert (again.added, again.merged, again.to_review) == (0, 1, 0)
    assert (Business.objects.count(), BusinessSource.objects.count()) == (1, 1)
    # The row was a source already: nothing merged, so the trail lists no merge.
    assert not AuditEntry.objects.filter(event="bulk_change", content_type__model="businesssource").exists()


def test_the_mapping_is_remembered_for_the_next_file_of_the_same_columns(
    staff, tokyo, django_capture_on_commit_callbacks
):
    upload(staff, ROWS[0], tokyo)
    mapping = {"name": "名称", "address": "住所", "phone": "電話番号"}
    run(staff, django_capture_on_commit_callbacks, mapping=mapping)
    upload(staff, ROWS[1], tokyo)
    assert staff.get("/roster/import/mapping/").context["form"].initial == mapping


def test_a_doubtful_pair_goes_to_review_and_the_decision_is_remembered(
    staff, tokyo, django_capture_on_commit_callbacks
):
    upload(staff, "株式会社みどり運送,東京都江東区豊洲1-2-3,,\r\n", tokyo)
    run(staff, django_capture_on_commit_callbacks)
    # Similar name, nearby but different address: a person must decide.
    upload(staff, "株式会社みどり運輸,東京都江東区豊洲1-2-5,,\r\n", tokyo)
    job = run(staff, django_capture_on_commit_callbacks)
    assert job.to_review == 1
    review = MatchReview.objects.get()
    assert "みどり運輸" in staff.get("/roster/reviews/").content.decode()
    staff.post(f"/roster/reviews/{review.pk}/decide/", {"decision": "different"})
    review.refresh_from_db()
    assert review.decision == ReviewDecision.DIFFERENT
    assert Business.objects.count() == 2
    # The same row again: settled by the decision, not asked again.
    upload(staff, "株式会社みどり運輸,東京都江東区豊洲1-2-5,,\r\n", tokyo)
    job = run(staff, django_capture_on_commit_callbacks)
    assert job.to_review == 0
    assert MatchReview.objects.count() == 1


def test_an_import_that_fails_halfway_leaves_the_roster_as_it_was(
    staff, tokyo, monkeypatch, django_capture_on_commit_callbacks
):
    upload(staff, "".join(ROWS), tokyo)

    def broken(*args, **kwargs):
        raise RuntimeError("the worker died")

    monkeypatch.setattr(importing, "insert_rows", broken)
    run(staff, django_capture_on_commit_callbacks)  # the queue records the task as failed
    job = ImportJob.objects.latest("pk")
    assert job.status == JobStatus.FAILED and "名簿は変更されていません" in job.error
    assert not Business.objects.exists()
    monkeypatch.undo()
    run_import.call(job.pk)  # run again, as the worker would retry
    assert Business.objects.count() == 2 and BusinessSource.objects.count() == 3


def test_a_file_in_another_encoding_is_refused_at_upload(staff, tokyo):
    response = upload(staff, "".join(ROWS), tokyo, encoding="utf-16")
    assert "UTF-16" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_branch_user_cannot_import_into_another_branch(
    staff, tokyo, osaka, django_capture_on_commit_callbacks
):
    response = staff.post(
        "/roster/import/",
        {
            "file": SimpleUploadedFile("x.csv", (HEADER + ROWS[0]).encode("cp932")),
            "kind": "list",
            "branch": osaka.pk,
            "fiscal_year": 16,
        },
    )
    assert response.status_code == 302
    run(staff, django_capture_on_commit_callbacks)
    assert ImportJob.objects.get().branch == tokyo  # the branch field is fixed to the user's own


def test_an_xlsx_zip_bomb_is_refused_at_upload_before_parsing(staff, tokyo):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (210 * 1024 * 1024))
    response = staff.post(
        "/roster/import/",
        {
            "file": SimpleUploadedFile("bomb.xlsx", buffer.getvalue()),
            "kind": "list",
            "branch": tokyo.pk,
            "fiscal_year": 16,
        },
    )
    assert "展開後のサイズが上限（120MB）を超える" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_failed_import_is_run_again_from_its_page(
    staff, tokyo, monkeypatch, django_capture_on_commit_callbacks
):
    upload(staff, "".join(ROWS), tokyo)
    monkeypatch.setattr(importing, "insert_rows", lambda *a, **k: 1 / 0)
    job = run(staff, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/roster/import/{job.pk}/retry/")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and Business.objects.count() == 2


def test_the_export_neutralises_formulas_and_holds_only_the_branch(
    staff, tokyo, osaka, django_capture_on_commit_callbacks
):
    # Imports now ask about such a value first (test_search); one stored before, or typed on a form,
    # must still leave the export inert.
    make_business(tokyo, '=HYPERLINK("http://x")', address="東京都千代田区1-1-1")
    Business.objects.create(
        branch=osaka,
        fiscal_year_id=16,
        name="大阪商事",
        prefecture=osaka.prefecture,
        address="大阪市",
        name_core="大阪商事",
        address_key="大阪市",
        identified_on="2026-05-01",
    )
    text = staff.get("/roster/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "大阪商事" not in text


def test_half_width_kana_and_minus_signs_as_excel_writes_them(
    staff, tokyo, django_capture_on_commit_callbacks
):
    # ﾃｸﾉ is half-width kana; − (U+2212) and ～ are what Excel's cp932 gives back as － and ～.
    upload(staff, "ﾃｸﾉｻｰﾋﾞｽ株式会社,東京都新宿区西新宿2−8−1～,,\r\n", tokyo)
    run(staff, django_capture_on_commit_callbacks)
    business = Business.objects.get()
    assert business.name_core == "テクノサービス"
    assert business.address_key == "新宿区西新宿2-8-1"


def test_utf8_with_bom_and_xlsx_lists_are_read(staff, tokyo, django_capture_on_commit_callbacks):
    upload(staff, ROWS[0], tokyo, encoding="utf-8-sig")
    run(staff, django_capture_on_commit_callbacks)
    book = openpyxl.Workbook()
    book.active.append(["名称", "住所", "法人番号", "電話番号"])
    book.active.append(["株式会社表計算", "東京都中央区日本橋1-1-1", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    staff.post(
        "/roster/import/",
        {
            "file": SimpleUploadedFile("list.xlsx", buffer.getvalue()),
            "kind": "list",
            "branch": tokyo.pk,
            "fiscal_year": 16,
        },
    )
    run(staff, django_capture_on_commit_callbacks)
    assert set(Business.objects.values_list("name", flat=True)) == {"㈱髙橋①商事", "株式会社表計算"}


def test_a_list_without_the_required_columns_cannot_be_mapped(staff, tokyo):
    staff.post(
        "/roster/import/",
        {
            "file": SimpleUploadedFile("x.csv", "電話番号\r\n03\r\n".encode("cp932")),
            "kind": "list",
            "branch": tokyo.pk,
            "fiscal_year": 16,
        },
    )
    response = staff.post("/roster/import/mapping/", {"phone": "電話番号"})
    assert "事業所名：このフィールドは必須です。" in response.content.decode()
    assert "所在地：このフィールドは必須です。" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_control_character_in_any_cell_stops_the_import_with_its_row_and_column(
    staff, tokyo, django_capture_on_commit_callbacks
):
    # The cell is shown and the user chooses to clean it or skip its row (the file is not refused).
    upload(staff, f"{ROWS[1]}垂直\x0bタブ商事,東京都千代田区1-1,,\r\n", tokyo)
    job = run(staff, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.CHECK
    assert job.suspicious_cells == [
        {"行": 3, "列": "事業所名", "値": "垂直␋タブ商事", "理由": "制御文字（U+000B）を含みます"}
    ]
    assert not Business.objects.exists()  # nothing imported before the user chooses
    page = staff.get(f"/roster/import/{job.pk}/").content.decode()
    assert "3行目" in page and "U+000B" in page


def test_a_control_character_in_the_header_is_refused_at_upload(client, people, tokyo):
    login(client, people["tokyo_staff"])
    data = "名称\x07,住所\r\nA商事,東京都\r\n".encode("cp932")
    response = client.post(
        "/roster/import/",
        {"file": SimpleUploadedFile("list.csv", data), "kind": "list", "branch": tokyo.pk, "fiscal_year": 16},
    )
    assert "1行目・1列目に制御文字（U+0007）が含まれています。" in response.content.decode()


def test_an_overlong_cell_is_refused_for_its_row_only(staff, tokyo, django_capture_on_commit_callbacks):
    upload(staff, f"{'長' * 10000},東京都千代田区1-1,,\r\n{ROWS[1]}", tokyo)
    job = run(staff, django_capture_on_commit_callbacks)
    assert (job.status, job.added, job.rejected) == (JobStatus.DONE, 1, 1)
    assert job.rejected_rows[0]["理由"] == "2行目「事業所名」：200文字を超えています（10,000文字）。"


def test_two_runs_of_one_job_write_its_rows_once(people, tokyo, tmp_path):
    # A worker thought dead that was not, or 再実行 pressed while the import ran: both runs plan
    # against the roster as it was, and the one that finishes second must write nothing.
    path = tmp_path / "list.csv"
    path.write_bytes((HEADER + "".join(ROWS)).encode("cp932"))
    job = ImportJob.objects.create(
        branch=tokyo,
        fiscal_year=FiscalYear.objects.get(year=2026),
        kind="list",
        filename="list.csv",
        stored_file=str(path),
        mapping={"name": "名称", "address": "住所", "corporate_number": "法人番号", "phone": "電話番号"},
        status=JobStatus.RUNNING,
        created_by=people["tokyo_staff"],
    )
    headers, rows = tables.read_table("list.csv", path.read_bytes())
    first, second = importing.plan(job, headers, rows), importing.plan(job, headers, rows)
    importing.apply(job, first)
    importing.apply(job, second)
    job.refresh_from_db()
    assert (job.status, job.added, Business.objects.count()) == (JobStatus.DONE, 2, 2)


@pytest.mark.parametrize(("today", "year"), [("2027-03-31", 2026), ("2027-04-01", 2027)])
def test_the_import_page_preselects_the_fiscal_year_containing_today(staff, monkeypatch, today, year):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: datetime.date.fromisoformat(today))
    page = staff.get("/roster/import/").content.decode()
    chosen = re.search(r'<select name="fiscal_year".*?</select>', page, re.S)
    assert chosen and re.findall(r'<option value="(\d+)" selected>', chosen.group()) == [
        str(FiscalYear.objects.get(year=year).pk)
    ]
