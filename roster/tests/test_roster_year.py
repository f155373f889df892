"""Each year's roster (R-ROS-3) and identification against targets (R-ROS-2)."""

import datetime

import pytest
from django.core.management import call_command

from audit.models import AuditEntry
from conftest import login
from org.models import FiscalYear
from roster.models import Business, BusinessStatus, EntryOrigin, RosterEntry
from targets.models import Measure, Target


def business(branch, name, year=2026, status=BusinessStatus.ON_ROSTER):
    fy = FiscalYear.objects.get(year=year)
    made = Business.objects.create(
        branch=branch,
        fiscal_year=fy,
        name=name,
        prefecture=branch.prefecture,
        address="東京都千代田区1-1-1",
        name_core=name,
        address_key="千代田区1-1-1",
        status=status,
        identified_on=datetime.date(year, 5, 1),
    )
    RosterEntry.objects.create(
        business=made, fiscal_year=fy, origin=EntryOrigin.NEW, added_on=datetime.date(year, 5, 1)
    )
    return made


@pytest.fixture
def last_year(people, tokyo):
    return {
        "open": business(tokyo, "未了商事"),
        "visited": business(tokyo, "訪問済商事", status=BusinessStatus.VISITED),
        "enrolled": business(tokyo, "成立商事", status=BusinessStatus.ENROLLED),
        "closed": business(tokyo, "廃業商事", status=BusinessStatus.CLOSED),
        "handed": business(tokyo, "移管商事", status=BusinessStatus.HANDED_OVER),
    }


def test_a_new_years_roster_carries_over_what_is_not_finished_R_ROS_3(client, people, last_year):
    login(client, people["tokyo_staff"])
    # Once a year, so a page of its own, reached from the list; it asks before it runs.
    assert 'href="/roster/rollover/"' in client.get("/roster/").content.decode()
    page = client.get("/roster/rollover/").content.decode()
    assert 'name="year"' in page and "data-confirm=" in page and "前年度から未成立の事業所を引き継ぐ" in page
    response = client.post("/roster/rollover/", {"year": "2027"}, follow=True)
    assert "前年度から2件を引き継ぎました" in response.content.decode()
    carried = set(RosterEntry.objects.filter(fiscal_year__year=2027).values_list("business__name", flat=True))
    assert carried == {"未了商事", "訪問済商事"}
    assert set(RosterEntry.objects.filter(fiscal_year__year=2027).values_list("origin", flat=True)) == {
        "carried_over"
    }
    # One audit row lists every business carried over.
    entry = AuditEntry.objects.get(event="bulk_change", object_repr__startswith="名簿の引継ぎ")
    assert (entry.actor, entry.object_ids) == (
        people["tokyo_staff"],
        sorted([last_year["open"].pk, last_year["visited"].pk]),
    )
    client.post("/roster/rollover/", {"year": "2027"})
    assert RosterEntry.objects.filter(fiscal_year__year=2027).count() == 2  # running it again adds nothing
    page = client.get("/roster/", {"year": "2027"}).content.decode()
    assert "未了商事" in page and "成立商事" not in page


def test_the_rollover_command_covers_every_branch(people, last_year, osaka):
    business(osaka, "大阪未了")
    call_command("roster_rollover", year=2027, branch=None, stdout=open("/dev/null", "w"))
    assert RosterEntry.objects.filter(fiscal_year__year=2027).count() == 3


def test_a_branch_rollover_leaves_other_branches_alone(client, people, last_year, osaka):
    business(osaka, "大阪未了")
    login(client, people["tokyo_staff"])
    client.post("/roster/rollover/", {"year": "2027"})
    assert not RosterEntry.objects.filter(fiscal_year__year=2027, business__branch=osaka).exists()


def test_identification_is_counted_against_the_standard_targets_until_hq_sets_the_years_R_ROS_2(
    client, people, tokyo, osaka
):
    for n in range(3):
        business(tokyo, f"東京{n}")
    business(osaka, "大阪0")
    business(tokyo, "前年度", year=2025)
    login(client, people["tokyo_staff"])
    page = client.get("/roster/progress/", {"year": "2026"}).content.decode()
    assert "東京支部" in page and "大阪支部" not in page
    assert "把握 4件 ／ 目標 50,040件（0.0%）" in page  # a rate of zero is shown as 0.0%, not as missing
    rows = client.get("/roster/progress/", {"year": "2026"}).context["rows"]
    assert [(r["branch"], r["actual"], r["target"]) for r in rows] == [(tokyo, 3, 6150)]
    # Once HQ sets the year's figure, the page (and the dashboards) use it.
    Target.objects.create(
        fiscal_year=FiscalYear.objects.get(year=2026),
        branch=tokyo,
        measure=Measure.IDENTIFIED,
        value=30,
        updated_by=people["hq_admin"],
    )
    rows = client.get("/roster/progress/", {"year": "2026"}).context["rows"]
    assert [(r["actual"], r["target"], r["rate"]) for r in rows] == [(3, 30, 10.0)]
    login(client, people["hq_staff"])
    dashboard = client.get("/targets/", {"year": "2026", "measure": "identified"}).context["table"]
    assert next(r for r in dashboard["rows"] if r["branch"] == tokyo)["target"] == 30


def test_only_those_who_may_change_the_roster_see_the_way_to_carry_it_over(client, people, last_year):
    login(client, people["tokyo_viewer"])
    page = client.get("/roster/").content.decode()
    assert "/roster/rollover/" not in page and "/roster/import/" not in page
    assert client.get("/roster/rollover/").status_code == 403
