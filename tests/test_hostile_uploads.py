"""Hostile and sloppy files, through every upload page and the readers behind them: each is refused
with a Japanese message naming the limit it breaks, before any memory is taken for it, and the web
process and the import worker carry on. The corpus is built here, small and fast: a 5 KB workbook
whose two cells span the whole sheet, a zip bomb, a million short lines, UTF-16, truncated zips."""

import csv
import io
import os
import resource
import signal
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import login
from lib import nta, tables
from org.models import Association, FiscalYear
from people.models import Person
from roster.models import ImportJob, JobStatus
from roster.tasks import run_import

ROWS_LIMIT = "行数が上限（見出しを除き100,000行）を超えています"
COLUMNS_LIMIT = "列数が上限（200列）を超えています"
UTF16 = "UTF-16"
BROKEN = "ファイルが壊れていないか確認してください"


def _workbook(cells: dict[str, object]) -> bytes:
    book = openpyxl.Workbook()
    for ref, value in cells.items():
        book.active[ref] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sparse_xlsx() -> bytes:
    """Two cells, A1 and the sheet's very last: a reader holding the range asks for 549 GB."""
    return _workbook({"A1": "名称", "XFD1048576": "x"})


def sparse_unnamed_xlsx() -> bytes:
    """The same, its relationships pointing at a sheet that is not there: every sheet is looked at."""
    return _rewrite(
        sparse_xlsx(), "xl/_rels/workbook.xml.rels", lambda xml: xml.replace(b"sheet1.xml", b"missing.xml")
    )


def far_column_xlsx() -> bytes:
    return _workbook({"A1": "名称", "A2": "ミライ商事", "KZ2": "遠い列"})


def declared_everything_xlsx() -> bytes:
    """A small, honest sheet that declares the whole sheet as its dimension: read as the cells are."""
    data = _workbook({"A1": "名称", "B1": "所在地", "A2": "ミライ商事", "B2": "東京都"})
    return _rewrite(
        data, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b'ref="A1:B2"', b'ref="A1:XFD1048576"')
    )


def _rewrite(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            body = source.read(item)
            out.writestr(item.filename, change(body) if item.filename == member else body)
    return target.getvalue()


def lying_xlsx() -> bytes:
    """A sheet whose zip headers say 200 bytes while it inflates to 3 MB."""
    data = _workbook({"A1": "名称", "A2": "ミライ商事"})
    data = _rewrite(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 3_000_000),
    )
    return _state_size(data, "xl/worksheets/sheet1.xml", 200)


def _state_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size a member's local and central headers state."""
    out = bytearray(data)
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = out.find(signature)
        while at != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if out[name_at : name_at + len(name)] == name:
                out[at + offset : at + offset + 4] = struct.pack("<I", size)
            at = out.find(signature, at + 4)
    return bytes(out)


def truncated_xlsx() -> bytes:
    data = _workbook({"A1": "名称", "A2": "ミライ商事"})
    return data[: len(data) // 2]


def million_rows_csv() -> bytes:
    """A million short lines of cp932 fit in 9 MB, under the upload size."""
    return "名称,住所\r\n".encode("cp932") + "ミライ商事,東京都\r\n".encode("cp932") * 1_000_000


def wide_csv() -> bytes:
    return (",".join(f"列{i}" for i in range(1, 302)) + "\r\n" + ",".join("1" * 301) + "\r\n").encode("cp932")


def utf16_csv() -> bytes:
    return "名称,住所\r\nミライ商事,東京都\r\n".encode("utf-16")


# (file name, contents, what the refusal must say)
CORPUS = [
    ("sparse.xlsx", sparse_xlsx, ROWS_LIMIT),
    ("sparse_unnamed.xlsx", sparse_unnamed_xlsx, ROWS_LIMIT),
    ("far_column.xlsx", far_column_xlsx, COLUMNS_LIMIT),
    ("lying.xlsx", lying_xlsx, BROKEN),
    ("truncated.xlsx", truncated_xlsx, BROKEN),
    ("million.csv", million_rows_csv, ROWS_LIMIT),
    ("wide.csv", wide_csv, COLUMNS_LIMIT),
    ("utf16.csv", utf16_csv, UTF16),
]
IDS = [name for name, _, _ in CORPUS]


def _survives(read: Callable[[], object]) -> str:
    """Run ``read`` in a forked child with its memory capped, so that a reader that aborts its
    process (a native allocation of hundreds of gigabytes) or swells fails this test instead of
    killing the test run. Returns the TableError's message, or a description of what happened."""
    receive, send = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe and leaves at once
        os.close(receive)
        try:
            status = Path("/proc/self/status").read_text()
            used = int(next(line for line in status.splitlines() if line.startswith("VmData:")).split()[1])
            resource.setrlimit(
                resource.RLIMIT_DATA, (used * 1024 + 1024**3, resource.getrlimit(resource.RLIMIT_DATA)[1])
            )
            read()
            said = "read without refusal"
        except tables.TableError as error:
            said = f"TableError: {error}"
        except BaseException as error:  # anything else, reported to the parent
            said = f"{type(error).__name__}: {error}"
        os.write(send, said.encode()[:4000])
        os._exit(0)  # no atexit, no Django teardown in the child
    os.close(send)
    with os.fdopen(receive, "rb") as pipe:
        said = pipe.read().decode()
    _, status = os.waitpid(child, 0)
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return said


@pytest.mark.parametrize(("name", "make", "expected"), CORPUS, ids=IDS)
def test_the_readers_refuse_each_hostile_file_naming_the_limit(name, make, expected):
    data = make()
    for read in (tables.read_table, tables.read_head):
        said = _survives(lambda read=read: read(name, data))
        assert said.startswith("TableError") and expected in said, f"{read.__name__}: {said}"


def test_a_sheet_declaring_the_whole_sheet_is_read_as_its_cells_are():
    assert tables.read_table("list.xlsx", declared_everything_xlsx()) == (
        ["名称", "所在地"],
        [["ミライ商事", "東京都"]],
    )
    assert tables.read_head("list.xlsx", declared_everything_xlsx(), rows=5) == (
        ["名称", "所在地"],
        [["ミライ商事", "東京都"]],
    )


def test_a_list_at_the_limits_is_read_whole():
    rows = "名称,人数\r\n".encode("cp932") + "ミライ商事,3\r\n".encode("cp932") * tables.MAX_ROWS
    headers, read = tables.read_table("list.csv", rows)
    assert headers == ["名称", "人数"] and len(read) == tables.MAX_ROWS


# NTA corporate-number data: a zip is unpacked to disk with a cap, never into memory.


def _nta_line() -> bytes:
    row = dict.fromkeys(nta.COLUMNS, "")
    row.update(
        sequence_number="1", corporate_number="1011001098993", process="01", name="株式会社爆弾", latest="1"
    )
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerow(list(row.values()))
    return buffer.getvalue().encode()


def nta_bomb(folder: Path) -> Path:
    """A zip of some 200 KB holding 60 MB of NTA rows: far beyond what real data compresses to."""
    path = folder / "00_zenkoku_all_20261130.zip"
    line = _nta_line()
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("00_zenkoku.csv", "w") as member,
    ):
        block = line * (1024 * 1024 // len(line))
        for _ in range(60):
            member.write(block)
    return path


def truncated_nta(folder: Path) -> Path:
    path = folder / "13_tokyo_all_20261130.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("13_tokyo.csv", _nta_line() * 1000)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


def test_an_nta_zip_bomb_is_refused_while_it_inflates(tmp_path):
    bomb = nta_bomb(tmp_path)
    assert bomb.stat().st_size < 300_000
    with pytest.raises(nta.NtaFormatError, match="展開後のサイズが上限"):
        nta.read(bomb, ["corporate_number"])


def test_an_nta_zip_whose_header_understates_its_size_is_refused(tmp_path):
    bomb = nta_bomb(tmp_path)
    bomb.write_bytes(_state_size(bomb.read_bytes(), "00_zenkoku.csv", 1000))
    with pytest.raises(nta.NtaFormatError, match=r"展開後のサイズが上限|壊れていないか"):
        nta.read(bomb, ["corporate_number"])


def test_a_truncated_or_utf16_nta_file_is_refused_with_a_message(tmp_path):
    with pytest.raises(nta.NtaFormatError, match="壊れていないか"):
        nta.read(truncated_nta(tmp_path))
    utf16 = tmp_path / "13_tokyo_all_20261130.csv"
    utf16.write_bytes(_nta_line().decode().encode("utf-16"))
    with pytest.raises(nta.NtaFormatError, match="UTF-16"):
        nta.read(utf16)


def test_a_real_nta_zip_still_reads(tmp_path):
    path = tmp_path / "13_tokyo_all_20261130.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("13_tokyo.csv", _nta_line() * 3)
    assert nta.read(path, ["corporate_number", "name"]).rows() == [("1011001098993", "株式会社爆弾")] * 3


# Every upload page, as its users reach it.


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def staff(client, people):
    login(client, people["tokyo_staff"])
    return client


@pytest.fixture
def hq(client, people):
    login(client, people["hq_staff"])
    return client


@pytest.mark.parametrize(("name", "make", "expected"), CORPUS, ids=IDS)
def test_the_association_import_refuses_each_hostile_file(staff, name, make, expected):
    page = staff.post("/associations/import/", {"file": SimpleUploadedFile(name, make())})
    assert page.status_code == 200 and expected in page.content.decode()
    assert not Association.objects.filter(name="ミライ商事").exists()


@pytest.mark.parametrize(("name", "make", "expected"), CORPUS, ids=IDS)
def test_the_people_import_refuses_each_hostile_file(staff, name, make, expected):
    page = staff.post("/people/import/", {"file": SimpleUploadedFile(name, make())})
    assert page.status_code == 200 and expected in page.content.decode()
    assert not Person.objects.exists()


@pytest.mark.parametrize(("name", "make", "expected"), CORPUS, ids=IDS)
def test_the_roster_upload_page_refuses_each_hostile_file(staff, tokyo, name, make, expected):
    page = staff.post(
        "/roster/import/",
        {"file": SimpleUploadedFile(name, make()), "kind": "list", "branch": tokyo.pk, "fiscal_year": 16},
    )
    assert page.status_code == 200 and expected in page.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(("name", "make", "expected"), CORPUS, ids=IDS)
def test_a_roster_job_given_a_hostile_file_fails_with_the_message_and_the_worker_goes_on(
    people, tokyo, tmp_path, name, make, expected
):
    # A file stored before these checks existed, or put in place by hand, reaches the worker.
    stored = tmp_path / name
    stored.write_bytes(make())
    job = ImportJob.objects.create(
        branch=tokyo,
        fiscal_year=FiscalYear.objects.get(year=2026),
        kind="list",
        filename=name,
        stored_file=str(stored),
        mapping={"name": "名称"},
        created_by=people["tokyo_staff"],
    )
    run_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and expected in job.error


def test_an_nta_zip_bomb_uploaded_to_the_roster_fails_its_job_cleanly(
    staff, tokyo, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            "/roster/import/",
            {
                "file": SimpleUploadedFile("00_zenkoku_all.zip", nta_bomb(tmp_path).read_bytes()),
                "kind": "nta",
                "branch": tokyo.pk,
                "fiscal_year": 16,
            },
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == JobStatus.FAILED
    assert "展開後のサイズが上限" in job.error
    assert "展開後のサイズが上限" in staff.get(f"/roster/import/{job.pk}/").content.decode()


@pytest.mark.parametrize(("name", "make", "expected"), CORPUS, ids=IDS)
def test_the_premium_statement_import_refuses_each_hostile_file(hq, name, make, expected):
    page = hq.post("/insurance/statements/", {"file": SimpleUploadedFile(name, make())}, follow=True)
    assert page.status_code == 200 and expected in page.content.decode()


@pytest.mark.parametrize(("name", "make", "expected"), CORPUS, ids=IDS)
def test_the_targets_import_refuses_each_hostile_file(hq, name, make, expected):
    page = hq.post(
        "/targets/import/", {"year": "2026", "file": SimpleUploadedFile(name, make())}, follow=True
    )
    assert page.status_code == 200 and expected in page.content.decode()
