"""Benchmark: the site under load, as users meet it — gunicorn with 4 workers on PostgreSQL
with the national demo, driven by locust (bench/locustfile.py) from the same machine.

    python bench/load.py [--postgres URL] [--users 200] [--seconds 180] [--port 8765]

Phases, each a headless locust run against the same server:
- mixed: ``--users`` people arriving over about a minute, then ``--seconds`` with all of them
  (promoters recording visits from their worklist, branch staff opening the roster and the claims to
  review, HQ opening the target dashboards): p50/p95/p99 per page, requests per second, errors (must
  be 0);
- throughput: 8 users as fast as they can on a bare view (the health check, asked by a signed-in
  user so that it passes the same middleware as the pages; also anonymously, for reference), then on
  the worklist, then on the roster list, 20 s each, three rounds: each page's throughput as a share
  of the bare view's in its round, the median round reported; and the worklist right after
  recording a visit (what it shows has changed, so it is read and rendered again rather than taken
  from kit.fragments), reported beside;
- dashboards: 8 users on the national and branch target dashboards, 60 s: p95.
Writes bench/results/load.json and a line in RESULTS.md. Needs Redis on 127.0.0.1:6379 (REDIS_URL,
as production) and locust (bench/requirements.txt).
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import postgres, serving


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
        f"{ratios['worklist_share']:.0%} and roster {ratios['roster_share']:.0%} of a bare view (worklist "
        f"right after a visit p95 {ratios['worklist_after_visit'].get('p95_ms')} ms); with 8 users "
        f"dashboards p95 national {dashboards['pages'].get('目標管理（全国）', {}).get('p95_ms')} ms, branch "
        f"{dashboards['pages'].get('目標管理（支部）', {}).get('p95_ms')} ms ({result['machine']['cores']} cores)",
    )


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
    with serving.gunicorn(args.port) as host:
        folder = Path(tempfile.mkdtemp())
        # People arrive over a minute or so, not all in the same second: each sign-in is an Argon2
        # hash (by design about 0.3 s of CPU), and 200 at once would measure only that.
        mixed = serving.locust(
            host,
            args.users,
            args.seconds,
            ["Promoter", "BranchStaff", "Headquarters"],
            folder,
            "mixed",
            rate=max(args.users // 60, 1),
        )
        # Each page against the bare view in three rounds, one after the other: on two shared cores a
        # single run of each swings by several points (what else the machine does, autovacuum after
        # the mixed phase); the median round is reported, and every round.
        rounds = [
            {
                label: serving.locust(host, 8, 20, [name], folder, f"{label}-{n}")["requests_per_second"]
                for label, name in (("bare", "Bare"), ("worklist", "WorklistOnly"), ("roster", "RosterOnly"))
            }
            for n in range(3)
        ]
        anonymous = serving.locust(host, 8, 30, ["BareAnonymous"], folder, "bare-anonymous")
        after_visit = serving.locust(host, 8, 30, ["WorklistAfterVisit"], folder, "worklist-after-visit")
        dashboards = serving.locust(host, 8, 60, ["DashboardsOnly"], folder, "dashboards")
    return {
        "name": "load",
        "date": timezone.localtime().isoformat(timespec="seconds"),
        "machine": machine(),
        "database": "PostgreSQL",
        "server": "gunicorn, 4 workers",
        "seed_seconds": seeded,
        "mixed": mixed,
        "throughput": {
            "bare": "/healthz/ asked by a signed-in user (the same middleware as every page, no template)",
            "rounds": rounds,
            "bare_rps": statistics.median(r["bare"] for r in rounds),
            "bare_anonymous_rps": anonymous["requests_per_second"],
            "worklist_share": statistics.median(r["worklist"] / r["bare"] for r in rounds),
            "roster_share": statistics.median(r["roster"] / r["bare"] for r in rounds),
            "goal_share": 0.5,
            # Repeated views read the worklist kept since the last change (kit.fragments); after a
            # visit it is read and rendered again: its figures, with the visit form and post between.
            "worklist_after_visit": after_visit["pages"].get("担当事業所（訪問の後）", {}),
        },
        "dashboards": {**dashboards, "goal_p95_ms": 300},
    }


if __name__ == "__main__":
    main()
