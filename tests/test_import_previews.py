"""What every import page shows and keeps: formula-like cells refused as the roster import refuses
them, a bounded preview with its counts and the errors first, and no abandoned upload left in
var/imports/ (here a temporary directory)."""

import io
import os
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from conftest import login
from kit import imports
from org.models import Association
from people.models import Person
from roster.models import ImportJob


@pytest.fixture
def staff(client, people):
    login(client, people["tokyo_staff"])
    return client


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def csv_file(name: str, lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\r\n".join(lines) + "\r\n").encode("cp932"))


def test_the_association_import_refuses_a_formula_like_cell_and_stores_nothing(staff):
    upload = csv_file(
        "associations.csv",
        [
            "支部コード,事務組合名,会員区分,電話番号",
            '13,"=HYPERLINK(""http://example.invalid"",""新宿労働保険事務組合"")",非会員,03-1234-5678',
            "13,渋谷事務組合,非会員,@SUM(A1)",
            "13,品川事務組合,非会員,03-0000-0000",
        ],
    )
    page = staff.post("/associations/import/", {"file": upload}).content.decode()
    errors = re.findall(r'data-testid="row-error">([^<]*)<', page)
    assert errors == [
        "2行目「事務組合名」：先頭が「=」です（表計算ソフトが数式として扱います）。取り除いてから取り込んでください。",
        "3行目「電話番号」：先頭が「@」です（表計算ソフトが数式として扱います）。取り除いてから取り込んでください。",
    ]
    assert "取り込む</button>" not in page
    staff.post("/associations/import/confirm/")
    assert not Association.objects.filter(name__contains="HYPERLINK").exists()
    assert not Association.objects.filter(name="品川事務組合").exists()  # all or nothing


def test_the_people_import_refuses_a_formula_like_cell_too(staff):
    upload = csv_file(
        "people.csv",
        ["氏名,氏名カナ,電話番号", "推進 太郎,スイシン タロウ,=1+1", "推進 花子,スイシン ハナコ,"],
    )
    page = staff.post("/people/import/", {"file": upload}).content.decode()
    assert "2行目「電話番号」：先頭が「=」です" in page
    staff.post("/people/import/confirm/", {"only_valid": "1"})
    assert list(Person.objects.values_list("full_name", flat=True)) == ["推進 花子"]


@pytest.mark.parametrize(
    ("url", "header", "good", "bad"),
    [
        (
            "/associations/import/",
            "支部コード,事務組合名,会員区分",
            "13,事務組合{},非会員",
            "13,悪い組合{},準会員",
        ),
        ("/people/import/", "氏名,氏名カナ,生年月日", "推進 {},スイシン,", "不正 {},フセイ,昨日"),
    ],
)
def test_a_preview_shows_a_bounded_page_with_its_counts_and_the_errors_first(staff, url, header, good, bad):
    lines = [header] + [good.format(i) for i in range(1, 1001)] + [bad.format(i) for i in range(1, 4)]
    page = staff.post(url, {"file": csv_file("list.csv", lines)}).content.decode()
    counts = re.search(r'data-testid="preview-counts">([^<]*)<', page).group(1)
    assert counts.startswith("全1,003行：取込可 1,000行、エラー 3行。")
    assert "ほか803行は表示していません" in counts
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    shown = re.findall(r"<tr class=\"(table-\w+)\"", body)
    assert len(shown) == imports.PREVIEW_ROWS
    assert shown[:3] == ["table-danger"] * 3 and set(shown[3:]) == {"table-success"}


def _aged(path, hours: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_abandoned_uploads_are_removed_when_the_next_one_comes(staff, var_dir):
    root = var_dir / "imports"
    abandoned = root / "pending" / "abandoned-upload-token-0000"
    recent = root / "pending" / "recent-upload-token-00000000"
    left_by_an_earlier_release = root / "old-token-of-a-preview-0000"
    a_jobs_file = root / "roster" / "file-of-a-job-in-its-folder"
    _aged(abandoned, imports.KEEP_HOURS + 1)
    _aged(recent, 1)
    _aged(left_by_an_earlier_release, imports.KEEP_HOURS * 3)
    _aged(a_jobs_file, imports.KEEP_HOURS * 3)
    upload = csv_file("associations.csv", ["支部コード,事務組合名,会員区分", "13,新宿事務組合,非会員"])
    staff.post("/associations/import/", {"file": upload})
    assert not abandoned.exists() and not left_by_an_earlier_release.exists()
    assert recent.exists() and a_jobs_file.exists()
    kept = [p for p in (root / "pending").iterdir() if p != recent]
    assert len(kept) == 1  # this upload, until it is confirmed
    staff.post("/associations/import/confirm/")
    assert not kept[0].exists() and Association.objects.filter(name="新宿事務組合").exists()


def test_a_roster_upload_swept_before_its_mapping_asks_for_the_file_again(staff, tokyo, var_dir):
    upload = csv_file("list.csv", ["名称,住所", "ミライ商事,東京都港区芝公園4丁目2番8号"])
    staff.post("/roster/import/", {"file": upload, "kind": "list", "branch": tokyo.pk, "fiscal_year": 16})
    (kept,) = (var_dir / "imports" / "pending").iterdir()
    kept.unlink()
    response = staff.post("/roster/import/mapping/", {"name": "名称", "address": "住所"}, follow=True)
    assert "もう一度アップロードしてください" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_daily_run_removes_abandoned_uploads_too(db, var_dir):
    abandoned = var_dir / "imports" / "pending" / "abandoned-upload-token-0000"
    recent = var_dir / "imports" / "pending" / "recent-upload-token-00000000"
    _aged(abandoned, imports.KEEP_HOURS + 1)
    _aged(recent, 1)
    call_command("send_reminders", stdout=io.StringIO())
    assert not abandoned.exists() and recent.exists()
