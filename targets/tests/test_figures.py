"""The dashboards' figures are kept until the branch's records change, and are never stale.

Each test opens a dashboard first, so its figures are in the cache, then changes records the way
users do (a visit on the phone page, an import in the background, training attendance) and opens
the dashboard again.
"""

import datetime

import pytest
from django.utils import timezone

from conftest import login, make_appointment, make_business, make_person
from events.models import Training
from fieldwork.tests.test_visits import (
    _visit,
    field,  # noqa: F401 (a fixture)
)
from org.models import FiscalYear
from roster.tests.test_import import ROWS, run, upload
from targets import figures, measures
from targets.models import Measure


@pytest.fixture(autouse=True)
def during_the_year(monkeypatch, settings):
    moment = timezone.make_aware(datetime.datetime(2026, 10, 15, 10, 0))
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _actual(client, measure: Measure) -> int:
    cards = client.get("/targets/branch/").context["cards"]
    return next(card["row"]["actual"] for card in cards if card["table"]["measure"] == measure)


def test_a_visit_recorded_on_the_phone_counts_on_the_dashboard_at_once(client, people, field):  # noqa: F811
    login(client, people["tokyo_staff"])
    assert _actual(client, Measure.VISITED) == 0  # counted, and kept
    promoter = client.__class__()
    login(promoter, people["tokyo_promoter"])
    promoter.post(f"/field/businesses/{field['mine'][0].pk}/visit/", _visit())
    assert _actual(client, Measure.VISITED) == 1
    people_table = client.get("/targets/branch/").context["people"]
    assert [(row["name"], row["direct"]) for row in people_table if row.get("direct")] == [("推進 アリス", 1)]


def test_an_import_in_the_background_counts_on_the_dashboard_at_once(
    client, people, tokyo, django_capture_on_commit_callbacks
):
    login(client, people["tokyo_staff"])
    assert _actual(client, Measure.IDENTIFIED) == 0
    upload(client, "".join(ROWS), tokyo)
    job = run(client, django_capture_on_commit_callbacks)
    assert job.added == 2
    assert _actual(client, Measure.IDENTIFIED) == 2


def test_training_attendance_counts_on_the_national_dashboard_at_once(client, people, tokyo):
    login(client, people["tokyo_staff"])
    alice = make_appointment(make_person(tokyo, "推進 アリス"), status="active")
    client.post(
        "/events/trainings/new/",
        {
            "year": 2026,
            "held_on": "2026-06-20",
            "venue": "東京支部会議室",
            "formats": ["lecture"],
            "level": "new",
            "lecturers": "東京労働局 適用課長",
            "topics": "戸別訪問の実施方法",
        },
    )
    hq = client.__class__()
    login(hq, people["hq_staff"])

    def trained() -> int:
        table = hq.get("/targets/?measure=trained").context["table"]
        return next(row["actual"] for row in table["rows"] if row["branch"] == tokyo)

    assert trained() == 0
    training = Training.objects.get(branch=tokyo)
    client.post(f"/events/trainings/{training.pk}/", {"appointment": [alice.pk]})
    assert trained() == 1


def test_only_the_branch_whose_records_changed_is_counted_again(people, tokyo, osaka, monkeypatch):
    fiscal_year = FiscalYear.objects.get(year=2026)
    counted = []
    real = measures.monthly
    monkeypatch.setattr(
        measures, "monthly", lambda fy, measure, ids=None: counted.append(ids) or real(fy, measure, ids)
    )
    figures.Figures(fiscal_year, [tokyo.pk, osaka.pk]).monthly(Measure.IDENTIFIED)
    assert counted == [[tokyo.pk, osaka.pk]]
    figures.Figures(fiscal_year, [tokyo.pk, osaka.pk]).monthly(Measure.IDENTIFIED)
    assert counted == [[tokyo.pk, osaka.pk]]  # kept: not counted again
    make_business(osaka, "大阪商事", address="大阪府大阪市北区1-1")
    kept = figures.Figures(fiscal_year, [tokyo.pk, osaka.pk]).monthly(Measure.IDENTIFIED)
    assert counted == [[tokyo.pk, osaka.pk], [osaka.pk]]
    assert sum(kept[osaka.pk]) == 1 and sum(kept[tokyo.pk]) == 0
