"""Promoter training between April and September, attendance, the branch's report and HQ's summary (R-EVT-2)."""

import io

import openpyxl
import pytest

from conftest import login, make_appointment, make_person
from events.models import Training


@pytest.fixture
def appointed(tokyo, osaka):
    return {
        "alice": make_appointment(make_person(tokyo, "推進 アリス"), status="active"),
        "bob": make_appointment(make_person(tokyo, "推進 ボブ"), status="active"),
        "ivy": make_appointment(make_person(tokyo, "指導 アイビー"), role="instructor", status="active"),
        "carol": make_appointment(make_person(osaka, "推進 キャロル"), status="active"),
    }


def _training(client, **fields):
    data = {
        "year": 2026,
        "held_on": "2026-06-20",
        "venue": "東京支部会議室",
        "formats": ["lecture", "role_play"],
        "level": "new",
        "lecturers": "東京労働局 適用課長",
        "topics": "戸別訪問の実施方法、事業主からの質問への対応",
        **fields,
    }
    return client.post("/events/trainings/new/", data, follow=True)


def test_training_is_held_between_april_and_september_R_EVT_2(client, people, tokyo):
    login(client, people["tokyo_staff"])
    assert "研修は4月から9月までに実施します" in _training(client, held_on="2026-10-01").content.decode()
    assert "必須" in _training(client, formats=[]).content.decode() and not Training.objects.exists()
    _training(client)
    training = Training.objects.get()
    assert training.format_labels == "講義・ロールプレイ"


def test_a_make_up_session_after_september_is_recorded_and_marked(client, people, tokyo):
    """Those who missed the season's training attend a make-up session, kept as such."""
    login(client, people["tokyo_staff"])
    refused = _training(client, held_on="2026-10-15").content.decode()
    assert "「期間外の補講」として記録してください" in refused and not Training.objects.exists()
    # A make-up session belongs after September, within the year.
    assert (
        "10月1日から令和9年3月31日まで"
        in _training(client, held_on="2026-06-20", makeup="on").content.decode()
    )
    _training(client, held_on="2026-10-15", makeup="on")
    training = Training.objects.get()
    assert training.makeup
    assert "期間外の補講" in client.get("/events/trainings/", {"year": 2026}).content.decode()
    assert "期間外の補講" in client.get(f"/events/trainings/{training.pk}/").content.decode()


def test_attendance_and_the_promoters_not_yet_trained(client, people, tokyo, appointed):
    login(client, people["tokyo_staff"])
    _training(client)
    training = Training.objects.get()
    page = client.get(f"/events/trainings/{training.pk}/").content.decode()
    assert "推進 アリス" in page and "指導 アイビー" in page and "推進 キャロル" not in page
    # Another branch's promoter cannot be marked as attending; nothing is recorded.
    response = client.post(
        f"/events/trainings/{training.pk}/",
        {"appointment": [appointed["alice"].pk, appointed["carol"].pk]},
        follow=True,
    )
    assert "この支部・年度の推進員・指導員ではない人が含まれています。" in response.content.decode()
    assert not training.attendance.exists()
    client.post(
        f"/events/trainings/{training.pk}/", {"appointment": [appointed["alice"].pk, appointed["ivy"].pk]}
    )
    assert set(training.attendance.values_list("appointment", flat=True)) == {
        appointed["alice"].pk,
        appointed["ivy"].pk,
    }
    untrained = client.get("/events/trainings/").content.decode()
    assert "まだ受講していない推進員（1人）" in untrained and "推進 ボブ" in untrained
    # The branch's report to HQ: the same three sheets for every branch.
    book = openpyxl.load_workbook(io.BytesIO(client.get("/events/trainings/report.xlsx").content))
    assert book.sheetnames == ["研修実施状況", "集計", "未受講の推進員"]
    assert [c.value for c in book["研修実施状況"][2]][1:] == [
        "東京支部会議室",
        "講義・ロールプレイ",
        "新任者",
        "東京労働局 適用課長",
        "戸別訪問の実施方法、事業主からの質問への対応",
        2,
    ]
    totals = {row[0].value: row[1].value for row in book["集計"].iter_rows(min_row=2)}
    assert (totals["推進員数（委嘱中）"], totals["受講した推進員数"], totals["受講率（%）"]) == (2, 1, 50)
    assert [c.value for c in book["未受講の推進員"][2]] == ["推進 ボブ", "スイシン　タロウ"]


def test_hq_sees_every_branch_and_branches_do_not_see_the_summary(client, people, tokyo, appointed):
    login(client, people["tokyo_staff"])
    _training(client)
    client.post(f"/events/trainings/{Training.objects.get().pk}/", {"appointment": [appointed["alice"].pk]})
    assert client.get("/events/trainings/summary/").status_code == 403
    login(client, people["hq_staff"])
    page = client.get("/events/trainings/summary/", {"year": 2026}).content.decode()
    assert "未実施" in page  # Osaka has held none
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/events/trainings/summary/", {"year": 2026, "format": "xlsx"}).content)
    )
    rows = {row[0]: row for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert rows["東京支部"][1:] == (1, rows["東京支部"][2], 2, 1, 50)
    assert rows["大阪支部"][1] == 0 and rows["大阪支部"][3] == 1
