"""Serving the site as production does (gunicorn, DEBUG off, static files collected) and driving it
with locust (bench/locustfile.py), for the benchmarks that measure pages as users meet them."""

import contextlib
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def gunicorn(port: int, workers: int = 4, extra_env: dict | None = None) -> Iterator[str]:
    """gunicorn with ``workers`` on the database DATABASE_URL names; yields its address."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        **(extra_env or {}),
    }
    # As in production: static files collected (DEBUG off serves them from the manifest), into the
    # benchmark's own files directory (bench.postgres), which the server shares with the benchmark.
    env.setdefault("ISSOU_VAR_DIR", tempfile.mkdtemp(prefix="issou-bench-"))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    binary = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [binary, "issou.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    host = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{host}/healthz/", timeout=2)  # noqa: S310 (our own server)
                break
            except OSError:
                time.sleep(0.3)
        yield host
    finally:
        server.terminate()
        server.wait()


def locust(
    host: str,
    users: int,
    seconds: int,
    classes: list[str],
    folder: Path,
    label: str,
    rate: int | None = None,
    env: dict | None = None,
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
        env={**os.environ, **(env or {})},
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
