"""Benchmark: target-management dashboards and the national progress form on three years of
national data on PostgreSQL (p95 under 300 ms; the form under 30 s).

    python bench/targets.py [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--requests 30]

Creates a throw-away database, loads the national demo as if on 31 March (a full year: about
100,000 roster businesses and 130,000 visits), then copies the roster and the visits into the two
years before, shifted by one and two years, for about 300,000 businesses and 390,000 visits in all
(enrolments are not copied: one per business and insurance). Every branch gets a target for each
measure; the tables are vacuumed and analysed, as autovacuum keeps a production database. Then it
times, through the same pages users open (Django's test client, an HQ user and a
branch user): the HQ dashboard, a branch dashboard, the HQ home page, and the national progress
form. Writes bench/results/targets.json and a line in RESULTS.md.
"""

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import postgres
from bench.payments import YEAR_END


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    result = postgres.in_throwaway_database(args.postgres, lambda: run(args))
    pages = ", ".join(f"{k} p95 {v['p95_ms']} ms" for k, v in result["pages"].items())
    postgres.record(
        result,
        f"{result['businesses']:,} roster businesses and {result['visits']:,} visits over three years on "
        f"PostgreSQL: {pages}; national progress form {result['progress_form_seconds']} s; "
        f"peak {result['peak_memory_mb']:,} MB ({result['machine']['cores']} cores)",
    )


def _copy_back(model, years: int, shifted: dict) -> None:
    """INSERT … SELECT the table's rows again, with some columns given new values."""
    from django.db import connection

    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    select = [shifted.get(c, c).format(years=years) for c in columns]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # Benchmark-only SQL built from the model's own column names.
        insert = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(select)} FROM {table}"  # noqa: S608
        cursor.execute(f"{insert} WHERE {shifted['_where']}")


def _timed(client, path: str, count: int) -> dict:
    for _ in range(3):  # warm the connection and the templates
        assert client.get(path).status_code == 200, path
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
    times.sort()
    return {
        "requests": count,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(int(len(times) * 0.95) - 1, 0)], 1),
        "max_ms": round(times[-1], 1),
    }


def fill() -> None:
    """The national demo for a full year, copied back into the two years before, with targets."""
    from django.core.management import call_command
    from django.db import connection

    from fieldwork.models import Visit
    from org.models import Branch, FiscalYear, User
    from roster.models import Business
    from targets.models import Measure, Target

    call_command("migrate", verbosity=0)
    with mock.patch("django.utils.timezone.now", return_value=YEAR_END):
        call_command("seed_demo", size="national", verbosity=0)
    current = FiscalYear.objects.get(year=2026)
    for years in (1, 2):
        earlier = FiscalYear.objects.get(year=2026 - years)
        _copy_back(
            Business, years, {"fiscal_year_id": str(earlier.pk), "_where": f"fiscal_year_id = {current.pk}"}
        )
        _copy_back(
            Visit,
            years,
            {
                "visited_on": "visited_on - INTERVAL '{years} year'",
                "client_key": "gen_random_uuid()",
                "_where": f"visited_on >= '{current.start}'",
            },
        )
    hq = User.objects.get(username="hq_staff")
    Target.objects.bulk_create(
        [
            Target(fiscal_year=current, branch=branch, measure=measure, value=1000, updated_by=hq)
            for branch in Branch.objects.all()
            for measure in Measure
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum keeps a production database


def run(args) -> dict:
    import django

    django.setup()
    from django.test import Client

    from bench.machine import machine
    from fieldwork.models import Visit
    from org.models import User
    from roster.models import Business

    fill()
    hq = User.objects.get(username="hq_staff")
    with mock.patch("django.utils.timezone.now", return_value=YEAR_END):
        staff, branch_staff = Client(), Client()
        staff.force_login(hq)
        branch_staff.force_login(User.objects.get(username="tokyo_staff"))
        pages = {
            "hq_dashboard": _timed(staff, "/targets/?year=2026", args.requests),
            "branch_dashboard": _timed(branch_staff, "/targets/branch/?year=2026", args.requests),
            "hq_home": _timed(staff, "/", args.requests),
            "branch_home": _timed(branch_staff, "/", args.requests),
        }
        started = time.perf_counter()
        form = staff.get("/targets/progress.xlsx?year=2026")
        form_seconds = round(time.perf_counter() - started, 2)
        assert form.status_code == 200
    return {
        "name": "targets",
        "date": timezone.localtime().isoformat(timespec="seconds"),
        "machine": machine(),
        "database": "PostgreSQL",
        "businesses": Business.objects.count(),
        "visits": Visit.objects.count(),
        "pages": pages,
        "progress_form_seconds": form_seconds,
        "progress_form_bytes": len(form.content),
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


if __name__ == "__main__":
    main()
