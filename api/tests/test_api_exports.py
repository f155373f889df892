"""Exports through the API: the same columns and rows, in the same order, as
the Excel and CSV files the pages give — for each role's own scope."""

import csv
import datetime
import io

import openpyxl
import pytest

from api.tests.test_api import bearer
from associations import services as association_services
from conftest import login, make_business, make_person
from lib import tables
from org.models import Association

EXPORTS = [
    ("businesses", "/roster/export"),
    ("people", "/people/export"),
    ("associations", "/associations/export"),
]


@pytest.fixture
def records(people, tokyo, osaka):
    make_business(tokyo, "東京商事", phone="03-1111-2222", workers=12)
    make_business(tokyo, "=SUM(A1)商店")  # Excel's guard shows in the file, not in the API's value
    make_business(tokyo, "閉鎖商事", status="closed")
    make_business(osaka, "大阪商事")
    make_person(tokyo, "推進 太郎", birth_date=datetime.date(1960, 4, 1))
    make_person(osaka, "推進 花子")
    shinjuku = Association.objects.create(
        branch=tokyo, name="新宿事務組合", approval_number="13-001", approved_on=datetime.date(2001, 4, 1)
    )
    association_services.membership_join(
        actor=people["tokyo_staff"], association=shinjuku, joined_on=datetime.date(2010, 4, 1)
    )
    Association.objects.create(branch=osaka, name="梅田事務組合")


def _from_file(value):
    """A cell read back from the file: an empty cell is empty text, a date its ISO text."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return value


def _as_written(value):
    """The API's value as the file writes it: Excel's guard before a formula-like text."""
    return "" if value is None else tables.neutralise(value)


@pytest.mark.parametrize(("name", "page"), EXPORTS)
@pytest.mark.parametrize("who", ["tokyo_staff", "hq_staff", "tokyo_viewer"])
def test_the_apis_export_is_the_excel_files_row_for_row(client, people, records, name, page, who):
    body = client.get(f"/api/v1/exports/{name}", **bearer(people[who])).json()
    assert body["rows"], "the fixture gives every export rows"
    written = [[_as_written(v) for v in row] for row in body["rows"]]
    login(client, people[who])
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{page}.xlsx").content))
    sheet = list(book.active.iter_rows(values_only=True))
    assert (book.active.title, list(sheet[0])) == (body["title"], body["columns"])
    assert [[_from_file(v) for v in row] for row in sheet[1:]] == written
    lines = list(csv.reader(io.StringIO(client.get(f"{page}.csv").content.decode("utf-8-sig"))))
    assert lines[0] == body["columns"]
    assert lines[1:] == [[str(v) for v in row] for row in written]


def test_the_businesses_export_takes_the_lists_filters(client, people, records):
    staff = bearer(people["tokyo_staff"])
    closed = client.get("/api/v1/exports/businesses", {"status": "closed"}, **staff).json()["rows"]
    assert [row[0] for row in closed] == ["閉鎖商事"]
    found = client.get("/api/v1/exports/businesses", {"q": "東京　商事"}, **staff).json()["rows"]
    assert [row[0] for row in found] == ["東京商事"]
    everything = client.get("/api/v1/exports/businesses", **staff).json()["rows"]
    assert "大阪商事" not in {row[0] for row in everything}
    assert "=SUM(A1)商店" in {row[0] for row in everything}


def test_a_promoter_gets_no_export(client, people, records):
    for name, _ in EXPORTS:
        assert client.get(f"/api/v1/exports/{name}", **bearer(people["tokyo_promoter"])).status_code == 403
