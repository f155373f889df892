"""Benchmark: `manage.py identify` on national-size synthetic data, with accuracy against the truth.

    python bench/identify.py [--sizes 1000000 5000000] [--variants bench heldout] [--splink] [--generate-only]

For each size and variant (bench/synthetic.py: "bench" is the benchmark's data, "heldout" data
of the same format drawn with other rates, on which the engine was not tuned), the time, peak
memory, precision and recall of 適用済 and the share of corporations marked 要確認.
Writes bench/results/identify.json and a dated line per run in bench/RESULTS.md. The data
is generated once per size, variant and seed under bench/data/ (not committed). With --splink, the
benchmark variant also goes through Splink (bench/splink_identify.py, installed only for the
benchmark) on the same data, in the same run.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "issou.settings")

import django

django.setup()

import polars as pl

from bench import synthetic
from bench.machine import machine

RESULTS = ROOT / "bench" / "results"


SEEDS = {"bench": 2024, "heldout": 4202}
TARGETS = {"seconds": 120, "peak_memory_mb": 4096, "precision": 0.998, "recall": 0.985, "review_share": 0.03}


def accuracy(rows: pl.DataFrame, truth: set[str]) -> dict:
    kept = set(rows["法人番号"])
    predicted = set(rows.filter(pl.col("判定") == "適用済")["法人番号"])
    actual = truth & kept
    hits = len(predicted & actual)
    verdicts = dict(rows.group_by("判定").len().iter_rows())
    return {
        "precision": round(hits / len(predicted), 5) if predicted else None,
        "recall": round(hits / len(actual), 5) if actual else None,
        "review_share": round(verdicts.get("要確認", 0) / rows.height, 5),
        "verdicts": verdicts,
    }


# Started by the benchmark, this small process starts the command and reports the command's own
# peak memory. Measured directly, a child's peak would include the benchmark's own memory: Linux
# counts the resident size a process had before exec, and the benchmark holds the truth of
# millions of corporations when it starts the next run.
LAUNCHER = """
import json, os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump({"code": os.waitstatus_to_exitcode(status), "peak_mb": usage.ru_maxrss // 1024}, out)
"""


def timed(command: list[str]) -> tuple[float, int, str]:
    """Run a child process; its wall time, its own peak resident memory (MB) and its output."""
    with tempfile.TemporaryFile() as output, tempfile.NamedTemporaryFile("r") as report:
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-c", LAUNCHER, report.name, *command],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
        seconds = time.monotonic() - started
        measured = json.load(report)
        output.seek(0)
        text = output.read().decode("utf-8", errors="replace")
    if measured["code"]:
        sys.exit(f"{command[1]} failed:\n{text}")
    return round(seconds, 1), measured["peak_mb"], text


def data_for(size: int, variant: str) -> Path:
    data = ROOT / "bench" / "data" / f"identify-{size}-{variant}-{SEEDS[variant]}"
    if not (data / "truth.csv").exists():
        started = time.monotonic()
        sizes = synthetic.write(data, size, SEEDS[variant], variant=variant)
        print(f"generated {sizes} in {time.monotonic() - started:.0f}s")
    return data


def run(size: int, variant: str, splink: bool) -> dict:
    data = data_for(size, variant)
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
    print(output)
    result = {
        "corporations": size,
        "variant": variant,
        "registered_rows": registered_rows,
        "input_bytes": {
            p.name: p.stat().st_size for p in [data / "corporations.csv", data / "registered.csv"]
        },
        "issou": {
            "seconds": seconds,
            "peak_memory_mb": peak,
            **accuracy(pl.read_csv(out, infer_schema=False), truth),
        },
    }
    if splink:
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
    return result


def line(date: str, run: dict, machine_: dict) -> str:
    def figures(name: str, r: dict) -> str:
        return (
            f"{name} {r['seconds']}s, peak {r['peak_memory_mb']:,} MB, precision {r['precision']}, "
            f"recall {r['recall']}, 要確認 {r['review_share'] * 100:.2f}%"
        )

    text = (
        f"- {date[:10]} identify ({run['variant']}): {run['corporations']:,} corporations × "
        f"{run['registered_rows']:,} registered rows, {figures('issou', run['issou'])}"
    )
    if "splink" in run:
        text += f"; {figures('Splink', run['splink'])}"
    return text + f" ({machine_['cores']} cores, {machine_['cpu']})\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--variants", nargs="+", default=["bench", "heldout"], choices=sorted(SEEDS))
    parser.add_argument("--splink", action="store_true", help="also run Splink on the benchmark variant")
    parser.add_argument("--generate-only", action="store_true", help="only generate the data")
    args = parser.parse_args()
    if args.generate_only:
        for size in args.sizes:
            for variant in args.variants:
                data_for(size, variant)
        return
    result = {
        "name": "identify",
        "date": timezone.localtime().isoformat(timespec="seconds"),
        "machine": machine(),
        "targets": TARGETS,
        "runs": [
            run(size, variant, args.splink and variant == "bench")
            for size in args.sizes
            for variant in args.variants
        ],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "identify.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as handle:
        for each in result["runs"]:
            handle.write(line(result["date"], each, result["machine"]))
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
