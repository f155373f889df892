"""Numbers typed on a page or held in an imported file: ASCII or full-width digits within what the
database holds, else a Japanese message naming where — never a server error. ``"²".isdigit()`` is
true and 25 nines overflow every integer column; both used to answer 500."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from associations import services as association_services
from conftest import login
from insurance import services as insurance_services
from insurance.models import PremiumIncome, ProgramRecord
from org.models import Association
from people.models import BankAccount
from roster.models import Business, ImportJob, JobStatus
from targets.models import Target
from targets.tests.test_targets import _save_grid

NINES = "9" * 25
HOSTILE = ["²", NINES]


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def agent(tokyo, people):
    association = Association.objects.create(branch=tokyo, name="新宿労働保険事務組合")
    association_services.membership_join(
        actor=people["hq_admin"], association=association, joined_on=datetime.date(2010, 4, 1)
    )
    return insurance_services.agent_register(
        actor=people["hq_admin"],
        association=association,
        code="A1301",
        registered_on=datetime.date(2015, 4, 1),
    )


@pytest.mark.parametrize("typed", HOSTILE)
def test_the_targets_grid_names_the_cell_and_saves_nothing(client, people, tokyo, typed):
    login(client, people["hq_staff"])
    page = _save_grid(client, {f"t-{tokyo.pk}-enrolled": typed}, follow=True)
    assert page.status_code == 200
    assert "東京支部「保険関係成立」：" in page.content.decode()
    assert not Target.objects.filter(fiscal_year__year=2026, branch__isnull=False).exists()


def test_the_targets_grid_takes_full_width_digits(client, people, tokyo):
    login(client, people["hq_staff"])
    _save_grid(client, {f"t-{tokyo.pk}-enrolled": "１，２００"})
    assert Target.objects.get(fiscal_year__year=2026, branch=tokyo).value == 1200


@pytest.mark.parametrize("typed", HOSTILE)
def test_the_targets_import_names_the_row_and_column(client, people, typed):
    login(client, people["hq_staff"])
    book = openpyxl.Workbook()
    book.active.append(["支部コード", "支部", "保険関係成立"])
    book.active.append(["13", "東京支部", typed])
    buffer = io.BytesIO()
    book.save(buffer)
    page = client.post(
        "/targets/import/",
        {"year": 2026, "file": SimpleUploadedFile("目標.xlsx", buffer.getvalue())},
        follow=True,
    )
    assert page.status_code == 200 and "2行目・3列目「保険関係成立」：" in page.content.decode()
    assert not Target.objects.filter(fiscal_year__year=2026, branch__isnull=False).exists()


@pytest.mark.parametrize("typed", HOSTILE)
def test_the_other_programs_grid_names_program_and_month(client, people, tokyo, typed):
    login(client, people["tokyo_staff"])
    url = f"/insurance/programs/?branch={tokyo.pk}&year=2026"
    page = client.post(url, {"branch": tokyo.pk, "year": 2026, "awards-6": typed}, follow=True)
    assert page.status_code == 200 and "「優良会員事務組合等の表彰」6月：" in page.content.decode()
    assert not ProgramRecord.objects.exists()


@pytest.mark.parametrize("typed", HOSTILE)
def test_the_premium_statement_import_names_the_row_and_column(client, people, agent, typed):
    login(client, people["hq_staff"])
    # UTF-8: ² is not in cp932.
    data = f"代理店コード,対象年月,保険料\r\nA1301,令和6年4月,{typed}\r\n".encode("utf-8-sig")
    page = client.post("/insurance/statements/", {"file": SimpleUploadedFile("明細.csv", data)}, follow=True)
    assert page.status_code == 200 and "2行目・3列目「保険料」：" in page.content.decode()
    assert not PremiumIncome.objects.exists()


def test_the_premium_statement_import_takes_full_width_yen(client, people, agent):
    login(client, people["hq_staff"])
    data = "代理店コード,対象年月,保険料\r\nA1301,令和6年4月,１，２５０，０００円\r\n".encode("cp932")
    client.post("/insurance/statements/", {"file": SimpleUploadedFile("明細.csv", data)})
    assert PremiumIncome.objects.get().amount == 1_250_000


@pytest.mark.parametrize("typed", HOSTILE)
def test_a_roster_list_with_a_bad_number_of_workers_rejects_that_row_only(
    client, people, tokyo, typed, django_capture_on_commit_callbacks
):
    login(client, people["tokyo_staff"])
    data = f"名称,住所,労働者数\r\nミライ商事,東京都港区芝公園4丁目2番8号,{typed}\r\n髙橋製作所,東京都大田区蒲田5丁目13番14号,１２\r\n"
    client.post(
        "/roster/import/",
        {
            "file": SimpleUploadedFile("list.csv", data.encode("utf-8")),
            "kind": "list",
            "branch": tokyo.pk,
            "fiscal_year": 16,
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/roster/import/mapping/", {"name": "名称", "address": "住所", "workers": "労働者数"})
    job = ImportJob.objects.get()
    assert job.status == JobStatus.DONE, job.error
    assert job.rejected == 1 and "2行目「労働者数」：" in str(job.rejected_rows)
    assert Business.objects.get().workers == 12


@pytest.mark.parametrize(
    "url",
    ["/targets/edit/?year=²", f"/targets/edit/?year={NINES}", "/roster/?year=²", "/field/activity/?month=²"],
)
def test_a_number_in_the_address_that_is_not_one_is_ignored(client, people, url):
    login(client, people["hq_staff"] if url.startswith("/targets") else people["tokyo_staff"])
    assert client.get(url).status_code == 200


def test_checked_boxes_that_are_not_keys_are_ignored(client, people, tokyo):
    login(client, people["tokyo_staff"])
    response = client.post(
        "/assignments/assign/",
        {"branch": tokyo.pk, "year": 2026, "business": ["²", NINES], "appointment": "²"},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("url", ["/councils/?branch=²", "/payments/hq-review/?branch=²"])
def test_a_branch_in_the_address_that_is_not_a_key_is_ignored(client, people, url):
    login(client, people["hq_staff"])
    assert client.get(url).status_code == 200


def test_codes_written_in_digits_are_stored_in_ascii_and_superscripts_are_refused(client, people):
    login(client, people["tokyo_staff"])
    header = "氏名,氏名カナ,金融機関コード,支店コード,預金種目,口座番号,口座名義カナ\r\n"
    rows = "推進 太郎,スイシン タロウ,0001,001,普通,１２３４５６７,スイシン タロウ\r\n推進 花子,スイシン ハナコ,0001,001,普通,12345²,スイシン ハナコ\r\n"
    page = client.post(
        "/people/import/", {"file": SimpleUploadedFile("people.csv", (header + rows).encode("utf-8"))}
    ).content.decode()
    assert "3行目「口座番号」：口座番号は7桁以内の数字です。" in page
    client.post("/people/import/confirm/", {"only_valid": "1"})
    assert BankAccount.objects.get().account_number == "1234567"


def test_a_corporate_number_of_superscripts_rejects_its_row_not_the_import(
    client, people, tokyo, django_capture_on_commit_callbacks
):
    login(client, people["tokyo_staff"])
    data = "名称,住所,法人番号\r\nミライ商事,東京都港区芝公園4丁目2番8号," + "²" * 13 + "\r\n"
    client.post(
        "/roster/import/",
        {
            "file": SimpleUploadedFile("list.csv", data.encode("utf-8")),
            "kind": "list",
            "branch": tokyo.pk,
            "fiscal_year": 16,
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/roster/import/mapping/", {"name": "名称", "address": "住所", "corporate_number": "法人番号"}
        )
    job = ImportJob.objects.get()
    assert job.status == JobStatus.DONE and job.rejected == 1, job.error
