"""Benchmark: a branch of 6,000 businesses divided, fixed and assigned on PostgreSQL (in seconds).

    python bench/division.py [--businesses 6000] [--promoters 60] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

Creates a throw-away database, fills one branch's roster and promoters, then times the same
service calls the pages make: rules applied to the whole roster, the division fixed at council ①,
the branch's share split among promoters by area, and 1,000 businesses reassigned to one person.
Writes bench/results/division.json and a line in RESULTS.md.
"""

import argparse
import datetime
import random
import resource
import sys
import time
from pathlib import Path

from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import postgres


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--businesses", type=int, default=6000)
    parser.add_argument("--promoters", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    result = postgres.in_throwaway_database(args.postgres, lambda: run(args))
    steps = ", ".join(f"{k} {v['seconds']}s" for k, v in result["steps"].items())
    postgres.record(
        result,
        f"one branch of {result['businesses']:,} businesses and "
        f"{result['promoters']} promoters on PostgreSQL: {steps}; peak {result['peak_memory_mb']:,} MB "
        f"({result['machine']['cores']} cores)",
    )


def _fill(args, branch, fiscal_year, actor) -> list:
    from lib import cities
    from people.models import Appointment, Person
    from roster.models import Business, BusinessStatus, EntryOrigin, RosterEntry

    rng = random.Random(args.seed)
    places = cities.of_prefecture(branch.prefecture.name)[:40]
    industries = ["建設業", "製造業", "運輸業", "卸売・小売業", "飲食業", "サービス業"]
    businesses = Business.objects.bulk_create(
        [
            Business(
                branch=branch,
                fiscal_year=fiscal_year,
                name=f"計測商事{i}",
                prefecture=branch.prefecture,
                address=f"{branch.prefecture.name}{place.name}1-{i}",
                city=place.name,
                city_code=place.code,
                industry=rng.choice(industries),
                workers=min(int(rng.lognormvariate(1.6, 1.2)) + 1, 500),
                name_core=f"計測商事{i}",
                address_key=f"{place.name}1-{i}",
                status=BusinessStatus.ON_ROSTER,
                identified_on=fiscal_year.start,
            )
            for i, place in ((i, rng.choice(places)) for i in range(args.businesses))
        ],
        batch_size=2000,
    )
    RosterEntry.objects.bulk_create(
        [
            RosterEntry(
                business=b, fiscal_year=fiscal_year, origin=EntryOrigin.NEW, added_on=fiscal_year.start
            )
            for b in businesses
        ],
        batch_size=2000,
    )
    people = Person.objects.bulk_create(
        [
            Person(branch=branch, full_name=f"推進 {i}", full_name_kana="スイシン")
            for i in range(args.promoters)
        ]
    )
    appointments = Appointment.objects.bulk_create(
        [
            Appointment(
                person=p,
                branch=branch,
                fiscal_year=fiscal_year,
                role="promoter",
                status="active",
                requested_by=actor,
                appointed_on=fiscal_year.start,
            )
            for p in people
        ]
    )
    return places, appointments


def run(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from assignments import services as assigning
    from assignments.models import PromoterArea
    from bench.machine import machine
    from councils import division
    from councils.models import CouncilMeeting, Side
    from org.models import Branch, FiscalYear, User
    from org.roles import Role
    from roster.models import Business

    call_command("migrate", verbosity=0)
    branch = Branch.objects.select_related("prefecture").get(prefecture__code="13")
    fiscal_year = FiscalYear.objects.get(year=2026)
    actor = User.objects.create(username="bench", full_name="計測", role=Role.BRANCH_STAFF, branch=branch)
    places, appointments = _fill(args, branch, fiscal_year, actor)
    # Each city covered by two promoters, so the split has a choice to even out.
    PromoterArea.objects.bulk_create(
        [
            PromoterArea(appointment=appointments[(i + k) % len(appointments)], city_code=p.code, city=p.name)
            for i, p in enumerate(places)
            for k in (0, len(appointments) // 2)
        ]
    )
    meeting = CouncilMeeting.objects.create(
        branch=branch,
        fiscal_year=fiscal_year,
        number="1",
        planned_on=datetime.date(2026, 4, 20),
        held_on=datetime.date(2026, 4, 20),
        created_by=actor,
    )
    steps = {}

    def timed(label, call):
        started = time.monotonic()
        value = call()
        steps[label] = {"seconds": round(time.monotonic() - started, 2), "result": value}

    rules = division.Rules(min_workers=50, industries=frozenset({"建設業"}))
    timed("preview", lambda: division.preview(branch, fiscal_year, rules)["undecided"])
    timed(
        "apply_rules",
        lambda: dict(
            division.division_apply(actor=actor, branch=branch, fiscal_year=fiscal_year, rules=rules)
        ),
    )
    timed(
        "fix_at_council",
        lambda: division.division_fix(actor=actor, branch=branch, fiscal_year=fiscal_year, meeting=meeting),
    )
    ours = list(
        Business.objects.filter(branch=branch, roster_entries__allocation__side=Side.BRANCH).values_list(
            "pk", flat=True
        )
    )
    timed(
        "split_by_area",
        lambda: (
            assigning.assignments_split(
                actor=actor, branch=branch, fiscal_year=fiscal_year, business_ids=ours
            ).total
        ),
    )
    timed(
        "reassign_1000",
        lambda: (
            assigning.assignments_assign(
                actor=actor,
                branch=branch,
                fiscal_year=fiscal_year,
                business_ids=ours[:1000],
                appointment=appointments[0],
            ).total
        ),
    )
    timed("workload", lambda: len(assigning.workload(branch, fiscal_year)))
    return {
        "name": "division",
        "date": timezone.localtime().isoformat(timespec="seconds"),
        "machine": machine(),
        "database": "PostgreSQL",
        "businesses": args.businesses,
        "promoters": args.promoters,
        "steps": steps,
        "total_seconds": round(sum(s["seconds"] for s in steps.values()), 2),
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


if __name__ == "__main__":
    main()
