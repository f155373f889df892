"""Benchmark: the site under load, as users meet it (issue 15) — gunicorn with 4 workers on PostgreSQL
with the national demo, driven by locust (bench/locustfile.py) from the same machine.

    python bench/load.py [--postgres URL] [--users 200] [--seconds 180] [--port 8765]

Phases, each a headless locust run against the same server:
- mixed: ``--users`` people arriving over about a minute, then ``--seconds`` with all of them
  (promoters recording visits from their worklist, branch staff opening the roster and the claims to
  review, HQ opening the target dashboards): p50/p95/p99 per page, requests per second, errors (must
  be 0);
- throughput: 8 users as fast as they can on a bare view (the health check, asked by a signed-in
  user so that it passes the same middleware as the pages; also anonymously, for reference), then on
  the worklist, then on the roster list, 30 s each: each page's throughput as a share of the bare
  view's;
- dashboards: 8 users on the national and branch target dashboards, 60 s: p95.
Writes bench/results/load.json and a line in RESULTS.md. Needs Redis on 127.0.0.1:6379 (REDIS_URL,
as production) and locust (bench/requirements.txt).
"""

import argparse
import csv
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import postgres


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    result = postgres.in_throwaway_database(args.postgres, lambda: run(args))
    mixed, ratios, dashboards = result["mixed"], result["throughput"], result["dashboards"]
    postgres.record(
        result,
        f"gunicorn 4 workers on PostgreSQL, national demo: {args.users} users for {args.seconds} s, "
        f"{mixed['requests_per_second']} req/s, errors {mixed['failures']}, p95 worklist "
        f"{mixed['pages'].get('担当事業所（worklist）', {}).get('p95_ms')} ms; worklist "
        f"{ratios['worklist_share']:.0%} and roster {ratios['roster_share']:.0%} of a bare view; with 8 users "
        f"dashboards p95 national {dashboards['pages'].get('目標管理（全国）', {}).get('p95_ms')} ms, branch "
        f"{dashboards['pages'].get('目標管理（支部）', {}).get('p95_ms')} ms ({result['machine']['cores']} cores)",
    )


def _locust(
    host: str, users: int, seconds: int, classes: list[str], folder: Path, label: str, rate: int | None = None
) -> dict:
    """Run locust headless and read its statistics: per page and in total. With a ``rate`` (people
    starting per second), the figures count from when everyone has started and signed in."""
    prefix = folder / label
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--host",
            host,
            "-u",
            str(users),
            "-r",
            str(rate or max(users // 10, 1)),
            *(["--reset-stats"] if rate else []),
            "-t",
            f"{seconds + (-(-users // rate) if rate else 0)}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            *classes,
        ],
        cwd=ROOT,
        check=False,  # locust exits 1 when a request failed: the failures are counted below
    )
    pages, total = {}, {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            figures = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "requests_per_second": round(float(row["Requests/s"]), 1),
            }
            if row["Name"] == "Aggregated":
                total = figures
            else:
                pages[row["Name"]] = figures
    return {**total, "pages": pages}


def run(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.machine import machine

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    call_command("seed_demo", size="national", verbosity=0)
    seeded = round(time.monotonic() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
    }
    # As in production: static files collected (DEBUG off serves them from the manifest).
    env["ISSOU_VAR_DIR"] = tempfile.mkdtemp(prefix="issou-load-")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "issou.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", "4"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    host = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{host}/healthz/", timeout=2)  # noqa: S310 (our own server)
                break
            except OSError:
                time.sleep(0.3)
        folder = Path(tempfile.mkdtemp())
        # People arrive over a minute or so, not all in the same second: each sign-in is an Argon2
        # hash (by design about 0.3 s of CPU), and 200 at once would measure only that.
        mixed = _locust(
            host,
            args.users,
            args.seconds,
            ["Promoter", "BranchStaff", "Headquarters"],
            folder,
            "mixed",
            rate=max(args.users // 60, 1),
        )
        bare = _locust(host, 8, 30, ["Bare"], folder, "bare")
        anonymous = _locust(host, 8, 30, ["BareAnonymous"], folder, "bare-anonymous")
        worklist = _locust(host, 8, 30, ["WorklistOnly"], folder, "worklist")
        roster = _locust(host, 8, 30, ["RosterOnly"], folder, "roster")
        dashboards = _locust(host, 8, 60, ["DashboardsOnly"], folder, "dashboards")
    finally:
        server.terminate()
        server.wait()
    return {
        "name": "load",
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "database": "PostgreSQL",
        "server": "gunicorn, 4 workers",
        "seed_seconds": seeded,
        "mixed": mixed,
        "throughput": {
            "bare": "/healthz/ asked by a signed-in user (the same middleware as every page, no template)",
            "bare_rps": bare["requests_per_second"],
            "bare_anonymous_rps": anonymous["requests_per_second"],
            "worklist_rps": worklist["requests_per_second"],
            "roster_rps": roster["requests_per_second"],
            "worklist_share": worklist["requests_per_second"] / bare["requests_per_second"],
            "roster_share": roster["requests_per_second"] / bare["requests_per_second"],
            "goal_share": 0.5,
        },
        "dashboards": {**dashboards, "goal_p95_ms": 300},
    }


if __name__ == "__main__":
    main()
