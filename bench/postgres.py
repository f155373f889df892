"""Running a benchmark in a throw-away PostgreSQL database, and recording its figures."""

import json
import os
import shutil
import tempfile
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent


def in_throwaway_database(admin_url: str, run):
    """Create a database, point Django at it, call ``run()`` and drop the database whatever happens.

    Its files (evidence the demo attaches, uploads) go to a throw-away directory too, never into the
    real var/: they belong to a database that is about to be dropped.
    """
    name = f"issou_bench_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = admin_url.rsplit("/", 1)[0] + "/" + name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "issou.settings")
    files = tempfile.mkdtemp(prefix="issou-bench-var-")
    os.environ["ISSOU_VAR_DIR"] = files
    try:
        return run()
    finally:
        shutil.rmtree(files, ignore_errors=True)
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def record(result: dict, line: str) -> None:
    """Write bench/results/<name>.json and append the dated line to bench/RESULTS.md."""
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"{result['name']}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as handle:
        handle.write(f"- {result['date'][:10]} {result['name']}: {line}\n")
    print(json.dumps(result, ensure_ascii=False, indent=2))
