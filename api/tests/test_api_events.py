"""Events through the API: briefings, trainings, seminars and their questionnaire
results, counted as the results pages count them (R-EVT-1, R-EVT-2, R-EVT-4)."""

import datetime

from django.test import Client

from api.tests.test_api import bearer
from conftest import login
from events.models import Briefing, Dispatch, Training
from events.tests.test_seminars import _answer, _dispatch, lecturers, questions  # noqa: F401  (fixtures)


def test_questionnaire_results_are_the_results_pages_R_EVT_4(client, people, lecturers, questions):  # noqa: F811
    login(client, people["tokyo_staff"])
    _dispatch(client, lecturers["keiko"])
    dispatch = Dispatch.objects.get()
    for choice in ("参考になった", "参考になった", "とても参考になった"):
        _answer(
            Client(),
            dispatch,
            questions,
            **{f"q{questions[0].pk}": choice, f"q{questions[2].pk}": "良かった"},
        )
    staff = bearer(people["tokyo_staff"])
    one = client.get(f"/api/v1/seminars/{dispatch.pk}/results", **staff).json()
    year = client.get("/api/v1/questionnaire/results", {"year": 2026}, **staff).json()
    assert one == year and one["answers"] == 3
    first = one["questions"][0]
    assert first["question"] == "セミナーは参考になりましたか" and first["answered"] == 3
    assert [(c["choice"], c["count"], c["percent"]) for c in first["choices"]] == [
        ("とても参考になった", 1, 33),
        ("参考になった", 2, 67),
        ("参考にならなかった", 0, 0),
    ]
    assert one["questions"][2]["texts"] == ["良かった"] * 3
    # The page shows the same counts.
    page = client.get("/events/seminars/results/", {"year": 2026}).context["results"]
    assert [(c, n, p) for c, n, p in page[0]["choices"]] == [
        (c["choice"], c["count"], c["percent"]) for c in first["choices"]
    ]
    # The lecturer reads their own seminar's results; another branch gets 404 and counts nothing.
    lecturer = bearer(people["tokyo_lecturer"])
    assert client.get(f"/api/v1/seminars/{dispatch.pk}/results", **lecturer).json()["answers"] == 3
    assert [s["title"] for s in client.get("/api/v1/seminars", **lecturer).json()["items"]] == [
        "創業塾 労働保険の基礎"
    ]
    osaka = bearer(people["osaka_staff"])
    assert client.get(f"/api/v1/seminars/{dispatch.pk}/results", **osaka).status_code == 404
    assert client.get("/api/v1/questionnaire/results", {"year": 2026}, **osaka).json()["answers"] == 0
    assert client.get("/api/v1/questionnaire/results", **lecturer).status_code == 403


def test_briefings_and_trainings_are_listed_for_their_branch_R_EVT_1_R_EVT_2(client, people, tokyo, osaka):
    from org.models import FiscalYear

    year = FiscalYear.objects.get(year=2026)
    for branch in (tokyo, osaka):
        Briefing.objects.create(
            branch=branch,
            fiscal_year=year,
            title=f"{branch.name} 事業主説明会",
            planned_on=datetime.date(2026, 7, 1),
            venue="会館",
            presenter="労働局 適用課",
            created_by=people["tokyo_staff"],
        )
        Training.objects.create(
            branch=branch,
            fiscal_year=year,
            held_on=datetime.date(2026, 5, 20),
            venue="会館",
            formats=["lecture"],
            lecturers="支部長",
            topics="加入勧奨の進め方",
            created_by=people["tokyo_staff"],
        )
    staff = bearer(people["tokyo_staff"])
    assert [b["title"] for b in client.get("/api/v1/briefings", **staff).json()["items"]] == [
        "東京支部 事業主説明会"
    ]
    trainings = client.get("/api/v1/trainings", **staff).json()["items"]
    assert [(t["branch"], t["topics"], t["makeup"]) for t in trainings] == [
        (tokyo.pk, "加入勧奨の進め方", False)
    ]
    assert len(client.get("/api/v1/briefings", **bearer(people["hq_staff"])).json()["items"]) == 2
    assert client.get("/api/v1/briefings", **bearer(people["tokyo_promoter"])).status_code == 403
