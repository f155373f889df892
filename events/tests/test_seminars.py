"""Founders' seminars: lecturer dispatches, the lecturer's report, the public questionnaire (R-EVT-4)."""

import datetime
import io

import openpyxl
import pytest
from django.test import Client

from conftest import login, make_appointment, make_person
from events.models import Dispatch, Question, Response, SeminarReport


@pytest.fixture
def lecturers(people, tokyo, osaka):
    return {
        "keiko": make_appointment(
            make_person(tokyo, "講師 恵子", user=people["tokyo_lecturer"]), role="lecturer", status="active"
        ),
        "osaka": make_appointment(make_person(osaka, "講師 大阪"), role="lecturer", status="active"),
    }


@pytest.fixture
def questions(db):
    from org.models import FiscalYear

    year = FiscalYear.objects.get(year=2026)
    return [
        Question.objects.create(
            fiscal_year=year,
            order=1,
            text="セミナーは参考になりましたか",
            kind="one",
            choices=["とても参考になった", "参考になった", "参考にならなかった"],
            required=True,
        ),
        Question.objects.create(
            fiscal_year=year,
            order=2,
            text="関心のある制度",
            kind="many",
            choices=["労災保険", "雇用保険", "労働保険事務組合"],
        ),
        Question.objects.create(fiscal_year=year, order=3, text="ご意見", kind="text"),
    ]


def _dispatch(client, lecturer, **fields):
    data = {
        "year": 2026,
        "kind": "seminar",
        "title": "創業塾 労働保険の基礎",
        "organiser": "千代田商工会議所",
        "held_on": "2026-09-15",
        "place": "商工会館",
        "lecturer": lecturer.pk,
        "participants": 0,
        "questionnaire_open": "on",
        **fields,
    }
    return client.post("/events/seminars/new/", data, follow=True)


def test_a_branch_dispatches_its_own_lecturers_and_hq_any(client, people, lecturers):
    login(client, people["tokyo_staff"])
    page = _dispatch(client, lecturers["osaka"]).content.decode()
    assert "正しく選択してください" in page and not Dispatch.objects.exists()
    _dispatch(client, lecturers["keiko"])
    assert Dispatch.objects.get().organised_by == "東京支部"
    login(client, people["hq_staff"])
    _dispatch(client, lecturers["osaka"], title="本部派遣セミナー")
    hq = Dispatch.objects.get(title="本部派遣セミナー")
    assert hq.organised_by == "本部"
    # A branch does not see HQ's dispatches nor another branch's.
    login(client, people["tokyo_staff"])
    assert client.get(f"/events/seminars/{hq.pk}/").status_code == 404


def test_the_lecturer_writes_the_report_and_its_count_is_the_seminars(client, people, lecturers):
    login(client, people["tokyo_staff"])
    _dispatch(client, lecturers["keiko"])
    dispatch = Dispatch.objects.get()
    # Staff may open the form, but the report is the lecturer's own.
    page = client.post(
        f"/events/seminars/{dispatch.pk}/report/", {"participants": 5, "content": "x"}, follow=True
    )
    assert "実施報告書は派遣された講師本人が作成します。" in page.content.decode()
    login(client, people["tokyo_lecturer"])
    assert "創業塾 労働保険の基礎" in client.get("/events/seminars/").content.decode()
    assert client.get("/events/briefings/").status_code == 403
    client.post(
        f"/events/seminars/{dispatch.pk}/report/",
        {"participants": 18, "content": "労働保険の加入手続を説明", "reactions": "質問多数"},
    )
    report = SeminarReport.objects.get()
    dispatch.refresh_from_db()
    assert (report.written_by, dispatch.participants) == (people["tokyo_lecturer"], 18)
    poster = client.get(f"/events/seminars/{dispatch.pk}/poster/").content.decode()
    assert "<svg" in poster and f"/q/{dispatch.token}/" in poster


def _answer(client, dispatch, questions, **extra):
    data = {f"q{questions[0].pk}": "参考になった", f"q{questions[1].pk}": ["労災保険", "雇用保険"], **extra}
    return client.post(f"/q/{dispatch.token}/", data)


def test_a_participant_answers_once_from_their_phone_without_an_account(client, people, lecturers, questions):
    login(client, people["tokyo_staff"])
    _dispatch(client, lecturers["keiko"])
    dispatch = Dispatch.objects.get()
    phone = Client()
    page = phone.get(f"/q/{dispatch.token}/").content.decode()
    assert "創業塾 労働保険の基礎" in page and "講師 恵子" not in page and "東京支部" not in page
    assert _answer(phone, dispatch, questions).status_code == 200
    assert list(Response.objects.values_list("answers", flat=True)) == [
        {str(questions[0].pk): "参考になった", str(questions[1].pk): ["労災保険", "雇用保険"]}
    ]
    again = _answer(phone, dispatch, questions)
    assert again.status_code == 400 and "既に回答をいただいています" in again.content.decode()
    assert Response.objects.count() == 1
    # The device id is a signed cookie: one typed by hand is ignored and a fresh id given instead,
    # so nobody can pose as another device (clearing cookies does give a new one: README).
    cookie = phone.cookies["issou_q"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and ":" in cookie.value
    forger = Client()
    forger.cookies["issou_q"] = "chosen-by-hand"
    forged = forger.get(f"/q/{dispatch.token}/")
    assert forged.cookies["issou_q"].value != "chosen-by-hand"
    # Results as charts for staff, and every answer in Excel.
    page = client.get(f"/events/seminars/{dispatch.pk}/").content.decode()
    assert "参考になった" in page and "1件（100%）" in page
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/events/seminars/results/", {"format": "xlsx"}).content)
    )
    assert list(book.active.iter_rows(min_row=2, values_only=True)) == [
        (
            datetime.datetime(2026, 9, 15),
            "創業塾 労働保険の基礎",
            "千代田商工会議所",
            "東京支部",
            "参考になった",
            "労災保険、雇用保険",
            None,
        )
    ]
    # An answered question cannot be deleted (the results would lose their meaning).
    login(client, people["hq_staff"])
    page = client.post(f"/events/seminars/questions/{questions[0].pk}/delete/", follow=True).content.decode()
    assert "回答のある質問は削除できません" in page


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"q_first": "存在しない選択肢"}, "の回答が選択肢にありません。"),
        ({"q_first": ""}, "「セミナーは参考になりましたか」に回答してください。"),
        ({"q_first": "参考になった", "q_text": "あ" * 1001}, "1000文字以内"),
    ],
)
def test_malformed_answers_are_refused_and_nothing_is_kept(
    client, people, lecturers, questions, post, message
):
    login(client, people["tokyo_staff"])
    _dispatch(client, lecturers["keiko"])
    dispatch = Dispatch.objects.get()
    names = {"q_first": f"q{questions[0].pk}", "q_text": f"q{questions[2].pk}"}
    response = Client().post(f"/q/{dispatch.token}/", {names[k]: v for k, v in post.items()})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Response.objects.exists()


def test_oversized_closed_unknown_and_repeated_posts(client, people, lecturers, questions):
    login(client, people["tokyo_staff"])
    _dispatch(client, lecturers["keiko"])
    dispatch = Dispatch.objects.get()
    big = Client().post(f"/q/{dispatch.token}/", {f"q{questions[2].pk}": "x" * 9000})
    assert big.status_code == 413
    assert Client().get("/q/no-such-seminar/").status_code == 404
    # Many posts from one address: after ten in ten minutes, refused.
    statuses = [_answer(Client(), dispatch, questions).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    assert Response.objects.count() == 10
    Dispatch.objects.filter(pk=dispatch.pk).update(questionnaire_open=False)
    closed = Client().get(f"/q/{dispatch.token}/")
    assert closed.status_code == 410 and "受付は終了しました" in closed.content.decode()
    assert Client().post(f"/q/{dispatch.token}/", {}).status_code == 410
