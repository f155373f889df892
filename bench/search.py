"""Benchmark: searching a branch's roster of 10,000 businesses the way people type (goal:
p95 < 200 ms), as users meet it — gunicorn with 4 workers on PostgreSQL, 8 users searching at once,
each reading the results for 1–3 s before the next search.

    python bench/search.py [--postgres URL] [--businesses 10000] [--seconds 60] [--port 8766]

The demo's Tokyo branch gets ``--businesses`` more businesses (names and addresses drawn as for the
identification benchmark) through the import's own path
(roster.importing, so their search text is what any import stores). The queries are written from
those businesses as people type them: half-width kana, hiragana for katakana, 髙 for 高, a legal
form before instead of after, part of a name, a town from the address. Each is counted by the
businesses it finds. Writes bench/results/search.json and a line in RESULTS.md; the same run
measures the bare view (/healthz/ signed in) for the ratio.
"""

import argparse
import random
import sys
import tempfile
from pathlib import Path

from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import postgres, serving


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    # Some rows of the drawn list name one business twice, or doubtfully: 11,500 rows give a branch of
    # more than 10,000 businesses with the demo's.
    parser.add_argument("--businesses", type=int, default=11_500)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    result = postgres.in_throwaway_database(args.postgres, lambda: run(args))
    search = result["search"]
    postgres.record(
        result,
        f"a branch of {result['branch_businesses']:,} businesses on PostgreSQL, gunicorn 4 workers, 8 users: "
        f"roster search p50 {search['p50_ms']} ms, p95 {search['p95_ms']} ms, {search['requests_per_second']} "
        f"req/s, errors {search['failures']} (a bare view served {result['bare_rps']} req/s at full speed); "
        f"{result['queries']} queries finding {result['found_median']} businesses at the median "
        f"({result['machine']['cores']} cores)",
    )


def typed(name: str, address: str, rng: random.Random) -> str:
    """One way a person might type something that should find this business."""
    import jaconv

    from lib import normalize

    core, _, _ = normalize.normalize_name(name)
    ways = [
        lambda: core[: rng.randint(2, 4)],  # the start of the name
        lambda: jaconv.z2h(core, kana=True, ascii=True, digit=True),  # half-width
        lambda: jaconv.kata2hira(core),  # hiragana
        lambda: core.replace("高", "髙").replace("崎", "﨑"),  # 異体字
        lambda: f"{core}株式会社" if name.startswith("株式会社") else f"（株）{core}",  # the form moved
        lambda: address.split("区")[-1][:4] if "区" in address else address[3:7],  # part of the address
    ]
    return rng.choice(ways)()


def fill(count: int) -> list[str]:
    """Tokyo's extra businesses, imported; and the queries people would type for them."""
    import numpy as np

    from bench import synthetic
    from org.models import Branch, FiscalYear, User
    from roster import importing
    from roster.models import ImportJob, JobStatus

    rng = random.Random(2024)
    tokyo = Branch.objects.get(prefecture__code="13")
    # Names and addresses as the identification benchmark draws them (bench/synthetic.py), in Tokyo.
    corporations = synthetic.corporations(count, np.random.default_rng(2024))
    rows = [
        [name, f"東京都{city}{street}", f"03-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"]
        for name, city, street in corporations.select("name", "city_name", "street_number").iter_rows()
    ]
    job = ImportJob.objects.create(
        branch=tokyo,
        fiscal_year=FiscalYear.objects.order_by("-year").first(),
        kind="list",
        filename="bench-search.csv",
        mapping={"name": "名称", "address": "住所", "phone": "電話"},
        status=JobStatus.RUNNING,
        created_by=User.objects.get(username="tokyo_staff"),
    )
    importing.apply(job, importing.plan(job, ["名称", "住所", "電話"], rows))
    return [typed(name, address, rng) for name, address, _ in rng.sample(rows, 500)]


def run(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.machine import machine
    from org.models import User
    from roster import search
    from roster.models import Business

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    queries = fill(args.businesses)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    staff = User.objects.get(username="tokyo_staff")
    branch = Business.objects.filter(branch=staff.branch)
    found = sorted(search.matching(branch, q).count() for q in queries)
    connection.close()
    folder = Path(tempfile.mkdtemp())
    path = folder / "queries.txt"
    path.write_text("\n".join(queries), encoding="utf-8")
    with serving.gunicorn(args.port) as host:
        bare = serving.locust(host, 8, 20, ["Bare"], folder, "bare")
        measured = serving.locust(
            host, 8, args.seconds, ["RosterSearch"], folder, "search", env={"SEARCH_QUERIES": str(path)}
        )
    return {
        "name": "search",
        "date": timezone.localtime().isoformat(timespec="seconds"),
        "machine": machine(),
        "database": "PostgreSQL",
        "server": "gunicorn, 4 workers; 8 users at once, 1–3 s between searches",
        "branch_businesses": branch.count(),
        "queries": len(queries),
        "found_median": found[len(found) // 2],
        "found_none": sum(1 for n in found if n == 0),
        "search": measured,
        "bare_rps": bare["requests_per_second"],
        "goal_p95_ms": 200,
    }


if __name__ == "__main__":
    main()
