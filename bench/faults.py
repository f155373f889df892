"""Benchmark: faults with real processes — a worker killed, PostgreSQL restarted, a payment
batch's confirmation killed.

    python bench/faults.py [--postgres URL] [--rows 100000] [--kills 10] [--restarts 3] [--confirms 10]

In a throw-away PostgreSQL database:
- a list of ``--rows`` rows is imported by a real ``manage.py db_worker``; the worker is killed with
  SIGKILL at a random moment of the import (``--kills`` runs), or PostgreSQL itself is restarted
  mid-import (``--restarts`` runs, ``pg_ctlcluster``: run this where restarting the server is
  allowed, never beside CI). After each fault the import is run again as a person does from its page
  (queued anew, a new worker) and must end with each business once: the fault leaves no partial
  rows, the rerun no duplicates, and every run adds as many businesses as the first;
- a quarterly payment batch is confirmed by a process killed at a random moment (``--confirms``
  runs): afterwards the batch is either confirmed with its transfer file whole, or still approved
  with no file under its name; confirmed again, each line is paid once.
Writes bench/results/faults.json and a line in RESULTS.md.
"""

import argparse
import datetime
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import postgres
from bench.roster_import import MAPPING, workbook


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--restarts", type=int, default=3)
    parser.add_argument("--confirms", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    result = postgres.in_throwaway_database(args.postgres, lambda: run(args))
    imports, confirms = result["imports"], result["confirms"]
    postgres.record(
        result,
        f"{args.rows:,}-row import under {imports['kills']} worker kills and {imports['restarts']} PostgreSQL "
        f"restarts: partial rows {imports['partial_rows']}, duplicates {imports['duplicates']}, every rerun "
        f"finished ({imports['finished']}/{imports['runs']}); batch confirmation killed {confirms['runs']} times: "
        f"paid twice {confirms['paid_twice']}, broken files {confirms['broken_files']} "
        f"({result['machine']['cores']} cores)",
    )


def _worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        # As in production: no autoreloader, whose child would outlive a killed parent.
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "-v",
            "0",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _restart_postgres() -> None:
    clusters = subprocess.run(
        ["pg_lsclusters", "-h"], capture_output=True, text=True, check=True
    ).stdout.split()
    version, name = clusters[0], clusters[1]
    subprocess.run(["pg_ctlcluster", version, name, "restart"], check=True)


def _imports(args, env: dict) -> dict:
    from django.db import connections

    from org.models import Branch, FiscalYear, User
    from org.roles import Role
    from roster.models import Business, ImportJob, JobStatus
    from roster.tasks import run_import

    path = Path(tempfile.mkdtemp()) / "roster.xlsx"
    path.write_bytes(workbook(args.rows, args.seed))
    rng = random.Random(args.seed)
    # Branches with no business yet (the demo of the batch phase fills a few): each run its own.
    branches = list(Branch.objects.filter(businesses__isnull=True).distinct().order_by("prefecture__code"))
    faults = ["kill"] * args.kills + ["restart"] * args.restarts
    runs, added, partial, duplicates, finished = [], set(), 0, 0, 0
    for number, fault in enumerate(faults):
        branch = branches[number]
        user = User.objects.create(
            username=f"fault{number}", full_name="計測", role=Role.BRANCH_STAFF, branch=branch
        )
        job = ImportJob.objects.create(
            branch=branch,
            fiscal_year=FiscalYear.objects.get(year=2026),
            kind="list",
            filename="roster.xlsx",
            stored_file=str(path),
            mapping=MAPPING,
            created_by=user,
        )
        worker = _worker(env)
        run_import.enqueue(job.pk)
        _wait(lambda job=job: ImportJob.objects.get(pk=job.pk).status == JobStatus.RUNNING, 60)
        time.sleep(rng.uniform(0.5, 25))
        if fault == "kill":
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        else:
            _restart_postgres()
            connections.close_all()
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        connections.close_all()
        status = ImportJob.objects.get(pk=job.pk).status
        rows_after_fault = Business.objects.filter(branch=branch).count()
        if status != JobStatus.DONE and rows_after_fault:
            partial += 1
        if status != JobStatus.DONE:
            # What a person does on the job's page: run it again.
            ImportJob.move(job.pk, JobStatus.QUEUED, progress=0, error="")
            worker = _worker(env)
            run_import.enqueue(job.pk)
            done = _wait(lambda job=job: ImportJob.objects.get(pk=job.pk).status == JobStatus.DONE, 600)
            worker.send_signal(signal.SIGTERM)
            worker.wait()
        else:
            done = True
            worker.send_signal(signal.SIGTERM)
            worker.wait()
        job.refresh_from_db()
        businesses = Business.objects.filter(branch=branch)
        numbers = businesses.exclude(corporate_number="").values_list("corporate_number", flat=True)
        twice = len(numbers) - len(set(numbers))
        duplicates += twice
        finished += bool(done)
        added.add(job.added)
        runs.append(
            {
                "fault": fault,
                "status_after_fault": status,
                "rows_after_fault": rows_after_fault,
                "finished": bool(done),
                "added": job.added,
                "businesses": businesses.count(),
                "duplicate_numbers": twice,
            }
        )
    return {
        "runs": len(faults),
        "kills": args.kills,
        "restarts": args.restarts,
        "partial_rows": partial,
        "duplicates": duplicates,
        "finished": finished,
        "same_result_every_run": len(added) == 1,
        "details": runs,
    }


def _whole(body: bytes) -> bool:
    """A Zengin file ends with its end record (9), every record 120 bytes."""
    records = [record for record in body.split(b"\r\n") if record]
    return bool(records) and all(len(r) == 120 for r in records) and records[-1][:1] == b"9"


def _confirms(args, env: dict) -> dict:
    from django.core.management import call_command

    from org.models import FiscalYear, User
    from payments import batches
    from payments.models import ClaimLine, ClaimStatus, Decision, FeeClaim, PaymentBatch

    rng = random.Random(args.seed)
    call_command("seed_demo", size="small", verbosity=0)
    fiscal_year = FiscalYear.objects.get(year=2026)
    creator, approver = User.objects.get(username="hq_admin"), User.objects.get(username="hq_staff")
    from payments import services

    for month in range(4, 10):
        services.month_claims_build(year=2026, month=month)
    results, paid_twice, broken = [], 0, 0
    for _ in range(args.confirms):
        # A quarter's worth of decided lines each time, so that every run has its own batch.
        FeeClaim.objects.update(status=ClaimStatus.DECIDED)
        fresh = ClaimLine.objects.filter(amount__gt=0, batch=None)
        if not fresh.exists():
            line = ClaimLine.objects.filter(amount__gt=0).first()
            line.pk, line.batch, line.visit, line.enrolment = None, None, None, None
            line.save()
        ClaimLine.objects.filter(amount__gt=0, batch=None).update(
            branch_decision=Decision.ACCEPTED, hq_decision=Decision.ACCEPTED
        )
        batch = batches.batch_create(
            actor=creator, fiscal_year=fiscal_year, quarter=2, transfer_date=datetime.date(2026, 10, 15)
        )
        batches.batch_approve(actor=approver, batch=batch)
        code = (
            "import django; django.setup();"
            "from payments import batches; from payments.models import PaymentBatch; from org.models import User;"
            f"batches.batch_confirm(actor=User.objects.get(username='hq_admin'), batch=PaymentBatch.objects.get(pk={batch.pk}))"
        )
        process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env)
        time.sleep(rng.uniform(0.2, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        batch.refresh_from_db()
        final = batches.TRANSFER_DIR / f"furikomi-{batch.pk:06d}-{batch.transfer_date:%Y%m%d}.txt"
        killed_state = batch.status
        # Under its own name a file is whole, and only for a confirmed batch.
        if final.exists():
            broken += not batch.is_confirmed or not _whole(final.read_bytes())
        if batch.is_confirmed:
            final = batches.transfer_path(batch)  # what the download does: whole, built again if missing
        else:
            final = batches.batch_confirm(actor=creator, batch=batch)
            batch.refresh_from_db()
        broken += not _whole(final.read_bytes())
        lines = list(batch.lines.values_list("pk", flat=True))
        paid_twice += ClaimLine.objects.filter(pk__in=lines).exclude(batch=batch).count()
        results.append(
            {"state_after_kill": killed_state, "confirmed": batch.is_confirmed, "lines": len(lines)}
        )
        final.unlink(missing_ok=True)
    return {
        "runs": args.confirms,
        "paid_twice": paid_twice,
        "broken_files": broken,
        "details": results,
        "batches": PaymentBatch.objects.count(),
    }


def run(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from bench.machine import machine

    call_command("migrate", verbosity=0)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "issou.settings"}
    started = time.monotonic()
    # The batch first: its demo data is small, and seeding it beside a million imported businesses
    # would time the seeding, not the faults.
    confirms = _confirms(args, env)
    imports = _imports(args, env)
    return {
        "name": "faults",
        "date": timezone.localtime().isoformat(timespec="seconds"),
        "machine": machine(),
        "database": "PostgreSQL",
        "rows": args.rows,
        "seconds": round(time.monotonic() - started, 1),
        "imports": imports,
        "confirms": confirms,
    }


if __name__ == "__main__":
    main()
