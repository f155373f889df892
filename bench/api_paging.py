"""Benchmark: listing the national roster through the API page by page (100,000
businesses, p95 per page < 100 ms, throughput recorded), as clients meet it — gunicorn with 4
workers on PostgreSQL with the national demo (about 100,000 businesses), several clients at once.

    python bench/api_paging.py [--postgres URL] [--clients 4] [--port 8767]

Each client holds an HQ token and follows ``next_cursor`` from the first page to the last, at the
default page size (100) and then at the largest (1,000). The same run times /api/v1/me, the API's
bare view (the token checked and audited, a few fields of JSON), for the ratio. Writes
bench/results/api_paging.json and a line in RESULTS.md.
"""

import argparse
import datetime
import json
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import postgres, serving


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()
    result = postgres.in_throwaway_database(args.postgres, lambda: run(args))
    default, largest = result["pages"]["100"], result["pages"]["1000"]
    postgres.record(
        result,
        f"{result['businesses']:,} businesses through /api/v1/businesses on PostgreSQL, gunicorn 4 workers, "
        f"{args.clients} clients each paging all of them: 100 a page p50 {default['p50_ms']} ms, "
        f"p95 {default['p95_ms']} ms (goal < 100), {default['businesses_per_second']:,} businesses/s in total; "
        f"1,000 a page p95 {largest['p95_ms']} ms, {largest['businesses_per_second']:,} businesses/s; "
        f"/api/v1/me p95 {result['bare']['p95_ms']} ms; errors {default['errors'] + largest['errors']} "
        f"({result['machine']['cores']} cores)",
    )


def _get(url: str, token: str) -> tuple[float, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (our own server)
        body = json.loads(response.read())
    return (time.perf_counter() - started) * 1000, body


def _figures(times: list[float], seconds: float, rows: int, errors: int) -> dict:
    ordered = sorted(times)

    def at(share: float) -> float:
        return round(ordered[min(int(len(ordered) * share), len(ordered) - 1)], 1)

    return {
        "requests": len(times),
        "errors": errors,
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1], 1),
        "seconds": round(seconds, 1),
        "requests_per_second": round(len(times) / seconds, 1),
        "businesses_per_second": round(rows / seconds),
    }


def page_through(host: str, tokens: list[str], limit: int) -> tuple[dict, list[int]]:
    """Every client pages the whole list at once; the page times of all of them, and each client's count."""
    times: list[float] = []
    counts = [0] * len(tokens)
    errors = [0]
    lock = threading.Lock()

    def client(number: int) -> None:
        cursor = None
        while True:
            url = f"{host}/api/v1/businesses?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
            try:
                took, body = _get(url, tokens[number])
            except OSError:
                with lock:
                    errors[0] += 1
                return
            with lock:
                times.append(took)
            counts[number] += len(body["items"])
            cursor = body["next_cursor"]
            if cursor is None:
                return

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {**_figures(times, seconds, sum(counts), errors[0]), "limit": limit}, counts


def bare(host: str, tokens: list[str], requests: int = 500) -> dict:
    times: list[float] = []
    lock = threading.Lock()

    def client(token: str) -> None:
        for _ in range(requests // len(tokens)):
            took, _ = _get(f"{host}/api/v1/me", token)
            with lock:
                times.append(took)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return _figures(times, time.perf_counter() - started, 0, 0)


def run(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from api.models import ApiToken
    from bench.machine import machine
    from org.models import User
    from roster.models import Business

    call_command("migrate", verbosity=0)
    call_command("seed_demo", size="national", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    hq = User.objects.get(username="hq_staff")
    until = timezone.localdate() + datetime.timedelta(days=1)
    tokens = [ApiToken.issue(user=hq, name=f"bench {n}", expires_on=until)[1] for n in range(args.clients)]
    businesses = Business.objects.count()
    connection.close()
    with serving.gunicorn(args.port) as host:
        page_through(host, tokens[:1], 1000)  # warm the workers and the database's cache
        bare_view = bare(host, tokens)
        default, counts = page_through(host, tokens, 100)
        largest, _ = page_through(host, tokens, 1000)
    assert all(count == businesses for count in counts), (counts, businesses)
    return {
        "name": "api_paging",
        "date": timezone.localtime().isoformat(timespec="seconds"),
        "machine": machine(),
        "database": "PostgreSQL",
        "server": f"gunicorn, 4 workers; {args.clients} clients paging at once, each with an HQ token",
        "businesses": businesses,
        "every_client_saw_all": True,
        "pages": {"100": default, "1000": largest},
        "bare": {**bare_view, "view": "/api/v1/me (token checked and audited)"},
        "share_of_bare_rps": round(default["requests_per_second"] / bare_view["requests_per_second"], 2),
        "goal_p95_ms": 100,
    }


if __name__ == "__main__":
    main()
