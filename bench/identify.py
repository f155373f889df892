"""Benchmark: `manage.py identify` on national-size synthetic data, with accuracy against the truth.

    python bench/identify.py [--corporations 5000000] [--seed 2024] [--splink]

Writes bench/results/identify.json and a dated line in bench/RESULTS.md. The data is generated
once per size and seed under bench/data/ (not committed). With --splink, the same data also goes
through Splink (bench/splink_identify.py, installed only for the benchmark) for comparison.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "issou.settings")

import django

django.setup()

import polars as pl

from bench import synthetic
from bench.machine import machine

RESULTS = ROOT / "bench" / "results"


def accuracy(rows: pl.DataFrame, truth: set[str]) -> dict:
    kept = set(rows["法人番号"])
    predicted = set(rows.filter(pl.col("判定") == "適用済")["法人番号"])
    actual = truth & kept
    hits = len(predicted & actual)
    return {
        "precision": round(hits / len(predicted), 5) if predicted else None,
        "recall": round(hits / len(actual), 5) if actual else None,
        "verdicts": dict(rows.group_by("判定").len().iter_rows()),
    }


def timed(command: list[str]) -> tuple[float, int, str]:
    """Run a child process; its wall time, its own peak resident memory (MB) and its output."""
    with tempfile.TemporaryFile() as output:
        started = time.monotonic()
        child = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
        # wait4 gives this child's own resource usage, not the maximum over every child so far.
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        output.seek(0)
        text = output.read().decode("utf-8", errors="replace")
    if child.returncode:
        sys.exit(f"{command[1]} failed:\n{text}")
    return round(seconds, 1), usage.ru_maxrss // 1024, text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corporations", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--splink", action="store_true", help="also run Splink on the same data")
    args = parser.parse_args()

    data = ROOT / "bench" / "data" / f"identify-{args.corporations}-{args.seed}"
    if not (data / "truth.csv").exists():
        started = time.monotonic()
        sizes = synthetic.write(data, args.corporations, args.seed)
        print(f"generated {sizes} in {time.monotonic() - started:.0f}s")
    truth = set(pl.read_csv(data / "truth.csv", infer_schema=False)["corporate_number"])
    registered_rows = sum(1 for _ in (data / "registered.csv").open("rb")) - 1

    out = data / "identified.csv"
    seconds, peak, output = timed(
        [
            sys.executable,
            "manage.py",
            "identify",
            "--corporations",
            str(data / "corporations.csv"),
            "--registered",
            str(data / "registered.csv"),
            "--out",
            str(out),
        ]
    )
    ours = {
        "seconds": seconds,
        "peak_memory_mb": peak,
        **accuracy(pl.read_csv(out, infer_schema=False), truth),
    }
    print(output)
    result = {
        "name": "identify",
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "corporations": args.corporations,
        "registered_rows": registered_rows,
        "input_bytes": {
            p.name: p.stat().st_size for p in [data / "corporations.csv", data / "registered.csv"]
        },
        "targets": {"seconds": 300, "peak_memory_mb": 6144, "precision": 0.99, "recall": 0.98},
        "issou": ours,
    }
    if args.splink:
        splink_out = data / "splink.csv"
        seconds, peak, output = timed(
            [sys.executable, "bench/splink_identify.py", str(data), str(splink_out)]
        )
        result["splink"] = {
            "seconds": seconds,
            "peak_memory_mb": peak,
            **accuracy(pl.read_csv(splink_out, infer_schema=False), truth),
        }
        print(output)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "identify.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    line = (
        f"- {result['date'][:10]} identify: {args.corporations:,} corporations × {registered_rows:,} registered rows, "
        f"issou {ours['seconds']}s, peak {ours['peak_memory_mb']:,} MB, precision {ours['precision']}, recall {ours['recall']}"
    )
    if "splink" in result:
        s = result["splink"]
        line += f"; Splink {s['seconds']}s, peak {s['peak_memory_mb']:,} MB, precision {s['precision']}, recall {s['recall']}"
    line += f" ({result['machine']['cores']} cores, {result['machine']['cpu']})\n"
    with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as handle:
        handle.write(line)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
