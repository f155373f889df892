"""Councils' divisions through the API: each business's side for the year, and the
bureau's share as the workbook the bureau receives, row for row (R-CNL-3, R-CNL-4)."""

import io

import openpyxl
from django.utils import timezone

from api.tests.test_api import bearer
from conftest import login
from councils.tests.test_division import YEAR, _apply, roster  # noqa: F401  (fixture)
from lib import tables


def test_divisions_list_each_businesss_side_for_its_branch_R_CNL_3(client, people, roster, tokyo):  # noqa: F811
    login(client, people["tokyo_staff"])
    _apply(client, industries=["建設業"])
    staff = bearer(people["tokyo_staff"])
    body = client.get("/api/v1/divisions", {"year": YEAR}, **staff).json()
    sides = {d["business_name"]: (d["side"], d["basis"], d["meeting_id"]) for d in body["items"]}
    assert sides["大手製造"] == ("bureau_guidance", "労働者数50人以上", None)
    assert sides["山田建設"][0] == "bureau_guidance" and sides["佐藤商店"][0] == "branch"
    assert "成立済商事" not in sides  # enrolled: not divided
    # A change since: only the changed rows come with updated_since (the side's time of change).
    since = timezone.now()
    _apply(client, industries=[])
    changed = client.get(
        "/api/v1/divisions", {"year": YEAR, "updated_since": since.isoformat()}, **staff
    ).json()
    assert {d["business_name"] for d in changed["items"]} >= {"山田建設"}
    assert (
        client.get("/api/v1/divisions", {"year": YEAR}, **bearer(people["osaka_staff"])).json()["items"] == []
    )
    assert client.get("/api/v1/divisions", **bearer(people["tokyo_promoter"])).status_code == 403


def test_the_bureau_share_is_the_workbook_the_bureau_receives_row_for_row(client, people, roster, tokyo):  # noqa: F811
    login(client, people["tokyo_staff"])
    _apply(client, industries=["建設業"])
    body = client.get("/api/v1/exports/bureau-share", {"year": YEAR}, **bearer(people["tokyo_staff"])).json()
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/councils/division/bureau.xlsx", {"branch": tokyo.pk, "year": YEAR}).content)
    )
    sheet = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert sheet[0] == body["columns"] and len(body["rows"]) == 2
    assert [["" if v is None else v for v in row] for row in sheet[1:]] == [
        ["" if v is None else tables.neutralise(v) for v in row] for row in body["rows"]
    ]
    # HQ names the branch; another branch's token gets 404 for Tokyo.
    hq = client.get(
        "/api/v1/exports/bureau-share", {"year": YEAR, "branch": tokyo.pk}, **bearer(people["hq_staff"])
    )
    assert hq.json()["rows"] == body["rows"]
    osaka = bearer(people["osaka_staff"])
    assert client.get("/api/v1/exports/bureau-share", {"branch": tokyo.pk}, **osaka).status_code == 404
