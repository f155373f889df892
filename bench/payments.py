"""Benchmark: a national year of fee claims and the quarterly payment batches on PostgreSQL.

    python bench/payments.py [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

Creates a throw-away database and loads the national demo as if on 31 March (then ANALYZE), so the year's visits
and enrolments span all twelve months (7,700 promoters). The demo keeps no evidence files for the
national size, so each enrolment is given its evidence rows and its employment-insurance
confirmation here, to let success fees be paid. Then it times the same service calls the pages
and the month-end command make:
- every month's claims, assembled for the whole country, April to March (target: the year under 10 s);
- each quarter's batch, created, approved by a second payer and confirmed with its Zengin transfer
  file (target: under 20 s each), after every claim has been accepted by branch and HQ.
Writes bench/results/payments.json and a line in RESULTS.md.
"""

import argparse
import datetime
import resource
import sys
import time
from pathlib import Path
from unittest import mock

from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import postgres

YEAR_END = datetime.datetime(2027, 3, 31, 3, 0, tzinfo=datetime.UTC)  # noon in Japan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    result = postgres.in_throwaway_database(args.postgres, run)
    months = result["steps"]["assemble_year"]
    batches = result["steps"]["batches"]
    postgres.record(
        result,
        f"{result['visits']:,} visits and {result['enrolments']:,} enrolments of {result['promoters']:,} "
        f"people on PostgreSQL: a year of claims ({months['claims']:,} claims, {months['lines']:,} lines) "
        f"assembled in {months['seconds']}s (slowest month {months['slowest_month_seconds']}s); "
        f"quarterly batch with Zengin file {batches['slowest_seconds']}s at most "
        f"({batches['largest_payees']:,} payees); peak {result['peak_memory_mb']:,} MB "
        f"({result['machine']['cores']} cores)",
    )


def _complete_evidence() -> int:
    """The national demo keeps no files; give each enrolment the rows its checklist asks for."""
    import uuid

    from fieldwork.models import Enrolment, Evidence
    from org.models import User

    staff = User.objects.filter(username="hq_admin").get()
    rows = [
        Evidence(
            enrolment=enrolment,
            kind=kind,
            filename=f"{kind}.pdf",
            stored_name=uuid.uuid4().hex,
            size=1,
            content_type="application/pdf",
            uploaded_by=staff,
        )
        for enrolment in Enrolment.objects.all()
        for kind in enrolment.required_evidence
    ]
    Evidence.objects.bulk_create(rows, batch_size=5000)
    Enrolment.objects.filter(covers_koyou=True).update(
        koyou_confirmed_at=timezone.now(), koyou_confirmed_by=staff
    )
    return len(rows)


def _accept_everything() -> int:
    """What branches and HQ do through the review pages, at once: submitted, accepted, sent, decided."""
    from org.models import User
    from payments.models import ClaimLine, ClaimStatus, Decision, FeeClaim

    staff, hq = User.objects.get(username="tokyo_staff"), User.objects.get(username="hq_staff")
    now = timezone.now()
    FeeClaim.objects.update(status=ClaimStatus.DECIDED, submitted_at=now, sent_at=now, sent_by=staff)
    return ClaimLine.objects.filter(amount__gt=0).update(
        branch_decision=Decision.ACCEPTED,
        branch_by=staff,
        branch_at=now,
        hq_decision=Decision.ACCEPTED,
        hq_by=hq,
        hq_at=now,
    )


def run() -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.machine import machine
    from fieldwork.models import Enrolment, Visit
    from lib.zengin import not_a_bank_day
    from org.models import FiscalYear, User
    from payments import batches, services
    from payments.models import ClaimLine, ClaimStatus, FeeClaim
    from people.models import Appointment

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    with mock.patch("django.utils.timezone.now", return_value=YEAR_END):
        call_command("seed_demo", size="national", verbosity=0)
    seeded = round(time.monotonic() - started, 1)
    evidence = _complete_evidence()
    # A production database is vacuumed and has its planner statistics; a freshly filled one has
    # neither, and autovacuum would otherwise work through the new tables during the timed run.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    fiscal_year = FiscalYear.objects.get(year=2026)

    month_seconds = []
    for year, month in [(2026, m) for m in range(4, 13)] + [(2027, m) for m in range(1, 4)]:
        begun = time.monotonic()
        services.month_claims_build(year=year, month=month)
        month_seconds.append(round(time.monotonic() - begun, 2))
        # Promoters submit each month before the next is built, so the visit cap counts the lines
        # held by submitted claims and the slots go by visit date across the country (D-1, D-2).
        FeeClaim.objects.filter(month=datetime.date(year, month, 1)).update(status=ClaimStatus.SUBMITTED)
        # A month passes between two runs, and autovacuum analyses a table once a tenth of it has
        # changed: here, where the months follow in seconds, the planner is told as it would be.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE payments_claimline, payments_feeclaim")
    assemble = {
        # The runs themselves: the submissions and statistics between months are not part of them.
        "seconds": round(sum(month_seconds), 2),
        "month_seconds": month_seconds,
        "slowest_month_seconds": max(month_seconds),
        "claims": FeeClaim.objects.count(),
        "lines": ClaimLine.objects.count(),
        "paid_lines": ClaimLine.objects.filter(amount__gt=0).count(),
    }
    accepted = _accept_everything()

    creator, approver = User.objects.get(username="hq_admin"), User.objects.get(username="hq_staff")
    quarters = []
    for quarter in (1, 2, 3, 4):
        begun = time.monotonic()
        # Paid from the 15th of the month after the quarter, or the next bank business day.
        transfer = datetime.date(2026 + (quarter >= 3), (quarter * 3 + 3) % 12 + 1, 15)
        while not_a_bank_day(transfer):
            transfer += datetime.timedelta(days=1)
        with mock.patch("django.utils.timezone.now", return_value=YEAR_END):
            batch = batches.batch_create(
                actor=creator, fiscal_year=fiscal_year, quarter=quarter, transfer_date=transfer
            )
        batches.batch_approve(actor=approver, batch=batch)
        path = batches.batch_confirm(actor=creator, batch=batch)
        quarters.append(
            {
                "quarter": quarter,
                "seconds": round(time.monotonic() - begun, 2),
                "lines": batch.lines.count(),
                "coordinator_pay": batch.coordinator_pay.count(),
                "payees": path.stat().st_size // 120 - 3,  # header, trailer and end records
                "transfer_file_bytes": path.stat().st_size,
            }
        )
        path.unlink()
    return {
        "name": "payments",
        "date": timezone.localtime().isoformat(timespec="seconds"),
        "machine": machine(),
        "database": "PostgreSQL",
        "seed_seconds": seeded,
        "promoters": Appointment.objects.filter(fiscal_year=fiscal_year).count(),
        "visits": Visit.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "evidence_rows_added": evidence,
        "lines_accepted": accepted,
        "steps": {
            "assemble_year": assemble,
            "batches": {
                "quarters": quarters,
                "slowest_seconds": max(q["seconds"] for q in quarters),
                "largest_payees": max(q["payees"] for q in quarters),
            },
        },
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


if __name__ == "__main__":
    main()
