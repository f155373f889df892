"""The person registry: postal lookup, import from Excel/CSV with per-cell errors, and export."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import login, make_person
from people.models import BankAccount, Person

HEADER = (
    "氏名,氏名カナ,生年月日,郵便番号,電話番号,金融機関コード,支店コード,預金種目,口座番号,口座名義カナ\r\n"
)
GOOD = [
    "髙橋 ①子,ﾀｶﾊｼ ｲﾁｺ,令和6年4月1日,1000013,03-1234-5678,0001,001,普通,1234567,タカハシ イチコ\r\n",
    "山﨑 次郎,ヤマザキ　ジロウ,2024/4/1,,090-1111-2222,,,,,\r\n",
]


def upload(client, name: str, data: bytes):
    return client.post("/people/import/", {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def staff(client, people):
    login(client, people["tokyo_staff"])
    return client


def test_postal_code_fills_prefecture_city_and_town(staff):
    page = staff.get("/people/postal/", {"postal_code": "100-0013"}).content.decode()
    assert "千代田区" in page and "霞が関" in page and "selected>東京都" in page


def test_an_unknown_postal_code_says_so(staff):
    assert (
        "該当する住所が見つかりません"
        in staff.get("/people/postal/", {"postal_code": "0000000"}).content.decode()
    )


def test_a_cp932_csv_as_excel_writes_it_imports_whole(staff, tokyo):
    data = (HEADER + "".join(GOOD)).encode("cp932")
    preview = upload(staff, "people.csv", data).content.decode()
    assert "取込可" in preview and "row-error" not in preview
    response = staff.post("/people/import/confirm/", {"only_valid": "0"}, follow=True)
    assert "2件を取り込みました" in response.content.decode()
    first = Person.objects.get(full_name="髙橋 ①子")
    assert first.full_name_kana == "タカハシ イチコ"  # half-width kana widened
    assert first.birth_date.isoformat() == "2024-04-01" and first.branch == tokyo
    assert BankAccount.objects.get(person=first).holder_kana == "ﾀｶﾊｼ ｲﾁｺ"
    assert Person.objects.get(full_name="山﨑 次郎").birth_date.isoformat() == "2024-04-01"


def test_utf8_with_bom_is_read(staff):
    upload(staff, "people.csv", (HEADER + GOOD[1]).encode("utf-8-sig"))
    staff.post("/people/import/confirm/", {"only_valid": "0"})
    assert Person.objects.filter(full_name="山﨑 次郎").exists()


def test_an_xlsx_is_read_with_dates_as_dates(staff):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["氏名", "氏名カナ", "生年月日"])
    sheet.append(["表計算 花子", "ヒョウケイサン ハナコ", datetime.date(1970, 5, 6)])
    buffer = io.BytesIO()
    book.save(buffer)
    upload(staff, "people.xlsx", buffer.getvalue())
    staff.post("/people/import/confirm/", {"only_valid": "0"})
    assert Person.objects.get(full_name="表計算 花子").birth_date.isoformat() == "1970-05-06"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "people.csv",
            "氏名,カナ\r\n".encode("utf-16"),
            "UTF-16（Excelの「Unicode テキスト」）のファイルは読み込めません",
        ),
        ("people.csv", "氏名,電話番号\r\n山田,03\r\n".encode("cp932"), "必須の列がありません：氏名カナ"),
        ("people.txt", b"x", "CSV（.csv）または Excel（.xlsx）"),
        ("people.xlsx", b"not a zip", "Excelファイル（.xlsx）として読めません"),
    ],
)
def test_unreadable_files_get_a_clear_error_and_nothing_is_saved(staff, name, data, message):
    response = upload(staff, name, data)
    assert message in response.content.decode()
    assert not Person.objects.exists()


def test_an_xlsx_zip_bomb_is_refused_before_parsing(staff):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (210 * 1024 * 1024))
    response = upload(staff, "bomb.xlsx", buffer.getvalue())
    assert "展開後のサイズが上限（120MB）を超える" in response.content.decode()


def test_bad_rows_are_named_by_row_and_column_and_all_or_nothing_holds(staff):
    rows = [
        GOOD[1],
        "悪い 口座,ワルイ コウザ,,,,0002,001,普通,1234567,ワルイ\r\n",
        "漢字 名義,カンジ メイギ,,,,0001,001,普通,1234567,漢字\r\n",
        "日付 不明,ヒヅケ フメイ,昨日,,,,,,,\r\n",
        "カナ 不正,kana,,,,,,,,\r\n",
    ]
    preview = upload(staff, "people.csv", (HEADER + "".join(rows)).encode("cp932")).content.decode()
    assert "3行目「金融機関コード」：金融機関コード 0002 は登録されていません。" in preview
    assert "4行目「口座名義カナ」：振込に使えない文字が含まれています：漢字" in preview
    assert "5行目「生年月日」：日付として読めません：「昨日」" in preview
    assert "6行目「氏名カナ」：全角カナで入力してください。" in preview
    response = staff.post("/people/import/confirm/", {"only_valid": "0"}, follow=True)
    assert "エラーのある行があるため、取り込みませんでした" in response.content.decode()
    assert not Person.objects.exists()


def test_the_user_may_import_only_the_valid_rows(staff):
    rows = [GOOD[1], "日付 不明,ヒヅケ フメイ,昨日,,,,,,,\r\n"]
    upload(staff, "people.csv", (HEADER + "".join(rows)).encode("cp932"))
    response = staff.post("/people/import/confirm/", {"only_valid": "1"}, follow=True)
    assert "1件を取り込みました。エラーの1件は取り込んでいません。" in response.content.decode()
    assert list(Person.objects.values_list("full_name", flat=True)) == ["山﨑 次郎"]


def test_importing_the_same_file_twice_does_not_duplicate(staff):
    data = (HEADER + GOOD[1]).encode("cp932")
    upload(staff, "people.csv", data)
    staff.post("/people/import/confirm/", {"only_valid": "0"})
    preview = upload(staff, "people.csv", data).content.decode()
    assert "既に登録されています" in preview
    staff.post("/people/import/confirm/", {"only_valid": "1"})
    assert Person.objects.count() == 1


def test_hq_import_needs_the_branch_code(client, people, osaka):
    login(client, people["hq_staff"])
    data = ("支部コード," + HEADER + "27," + GOOD[1] + "," + GOOD[1]).encode("cp932")
    preview = upload(client, "people.csv", data).content.decode()
    assert "3行目「支部コード」" in preview
    client.post("/people/import/confirm/", {"only_valid": "1"})
    assert Person.objects.get().branch == osaka


def test_exports_neutralise_formulas_and_hold_only_the_users_branch(staff, tokyo, osaka):
    make_person(tokyo, '=HYPERLINK("http://x")')
    make_person(osaka, "大阪 人")
    csv_text = staff.get("/people/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "大阪 人" not in csv_text
    book = openpyxl.load_workbook(io.BytesIO(staff.get("/people/export.xlsx").content))
    names = [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert names == ['\'=HYPERLINK("http://x")']
