"""Benchmark: a 100,000-row .xlsx list imported into a branch's roster on PostgreSQL (< 60 s).

    python bench/roster_import.py [--rows 100000] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

Creates a throw-away database, migrates it, imports the file through the same task the web
upload queues (roster.tasks.run_import), then imports it again (everything merges, nothing is
added), and drops the database. Writes bench/results/roster_import.json and a line in RESULTS.md.
"""

import argparse
import io
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import openpyxl
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import postgres

# The columns of workbook() mapped to the roster's fields, as a user maps them on the import page.
MAPPING = {
    "name": "事業所名",
    "address": "所在地",
    "corporate_number": "法人番号",
    "phone": "電話番号",
    "industry": "業種",
    "workers": "労働者数",
}


def workbook(rows: int, seed: int) -> bytes:
    """Synthetic businesses of one prefecture, with a few duplicates written differently."""
    from bench import synthetic

    rng = np.random.default_rng(seed)
    corps = synthetic.corporations(rows, rng)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("名簿")
    sheet.append(["事業所名", "所在地", "法人番号", "電話番号", "業種", "労働者数"])
    for name, city, street, number in corps.select(
        "name", "city_name", "street_number", "corporate_number"
    ).iter_rows():
        sheet.append(
            [name, f"東京都{city}{street}", number, "03-0000-0000", "建設業", int(rng.integers(1, 300))]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    result = postgres.in_throwaway_database(args.postgres, lambda: run(args))
    postgres.record(
        result,
        f"{result['rows']:,}-row xlsx ({result['file_bytes']:,} bytes) on PostgreSQL, "
        f"first import {result['first']['seconds']}s ({result['first']['added']:,} added), "
        f"again {result['again']['seconds']}s ({result['again']['added']:,} added, {result['again']['merged']:,} merged); "
        f"parsing alone {result['parse_seconds']}s: {result['first_ratio']}× and {result['again_ratio']}× the parser "
        f"(goal ≤ {result['goal_ratio']}×); peak {result['peak_memory_mb']:,} MB ({result['machine']['cores']} cores)",
    )


def run(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from bench.machine import machine
    from lib import tables
    from org.models import Branch, FiscalYear, User
    from org.roles import Role
    from roster.models import Business, ImportJob
    from roster.tasks import run_import

    call_command("migrate", verbosity=0)
    data = workbook(args.rows, args.seed)
    # The parser alone, in the same run: the import's goal is a multiple of it (≤ 5×).
    started = time.monotonic()
    tables.read_table("roster.xlsx", data)
    parse_seconds = round(time.monotonic() - started, 2)
    path = Path(tempfile.mkdtemp()) / "roster.xlsx"
    path.write_bytes(data)
    tokyo = Branch.objects.get(prefecture__code="13")
    user = User.objects.create(username="bench", full_name="計測", role=Role.BRANCH_STAFF, branch=tokyo)
    timings = {}
    for label in ("first", "again"):
        job = ImportJob.objects.create(
            branch=tokyo,
            fiscal_year=FiscalYear.objects.get(year=2026),
            kind="list",
            filename="roster.xlsx",
            stored_file=str(path),
            mapping=MAPPING,
            created_by=user,
        )
        started = time.monotonic()
        run_import.call(job.pk)
        job.refresh_from_db()
        timings[label] = {
            "seconds": round(time.monotonic() - started, 1),
            "status": job.status,
            "added": job.added,
            "merged": job.merged,
            "rejected": job.rejected,
            "to_review": job.to_review,
        }
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return {
        "name": "roster_import",
        "date": timezone.localtime().isoformat(timespec="seconds"),
        "machine": machine(),
        "database": "PostgreSQL",
        "rows": args.rows,
        "file_bytes": len(data),
        "target_seconds": 60,
        "parse_seconds": parse_seconds,
        "first": timings["first"],
        "again": timings["again"],
        "first_ratio": round(timings["first"]["seconds"] / parse_seconds, 1),
        "again_ratio": round(timings["again"]["seconds"] / parse_seconds, 1),
        "goal_ratio": 5,
        "businesses": Business.objects.count(),
        "peak_memory_mb": peak,
    }


if __name__ == "__main__":
    main()
