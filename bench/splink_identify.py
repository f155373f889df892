"""The identification benchmark's data through Splink, for comparison. Benchmark only.

    .venv-bench/bin/python bench/splink_identify.py DATA_DIR OUT.csv

Both inputs get the same normalisation as issou's engine (lib.normalize), then Splink links them
with a Fellegi-Sunter model trained without labels: comparisons on the core name, the address key
and the legal form, blocking on prefecture with name or address, as issou blocks. A corporation
whose best link has a match probability of at least 0.9 counts as registered (適用済). The output
has issou's header, so the benchmark scores both alike.
"""

import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from lib import identify, nta

THRESHOLD = 0.9


def main(data: Path, out: Path) -> None:
    corporations, _ = identify.prepare_corporations(nta.read(data / "corporations.csv", identify.NTA_COLUMNS))
    registered = identify.prepare_registered(identify.read_registered((data / "registered.csv").read_bytes()))
    left = corporations.select(
        pl.col("c").alias("unique_id"), "pref", "core", "form", "address_key"
    ).to_arrow()
    right = registered.select(
        pl.col("r").alias("unique_id"), "pref", "core", "form", "address_key", "insurance_number"
    ).to_arrow()
    db_api = DuckDBAPI()
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("core", [0.95, 0.88]),
            cl.LevenshteinAtThresholds("address_key", [1, 3]),
            cl.ExactMatch("form"),
        ],
        blocking_rules_to_generate_predictions=[block_on("pref", "core"), block_on("pref", "address_key")],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(
        [db_api.register(left, table_name="corporations"), db_api.register(right, table_name="registered")],
        settings,
        log_level=None,
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("pref", "core", "address_key")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("pref", "core"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("pref", "address_key"))
    predictions = linker.inference.predict(threshold_match_probability=0.5).as_duckdbpyrelation().pl()
    best = (
        predictions.select(
            pl.col("unique_id_l").alias("c"), pl.col("unique_id_r").alias("r"), "match_probability"
        )
        .sort("match_probability", descending=True)
        .unique(subset="c", keep="first")
        .join(registered.select("r", "insurance_number"), on="r")
    )
    verdict = (
        pl.when(pl.col("match_probability") >= THRESHOLD)
        .then(pl.lit(identify.REGISTERED))
        .when(pl.col("match_probability").is_not_null())
        .then(pl.lit(identify.REVIEW))
        .otherwise(pl.lit(identify.CANDIDATE))
    )
    corporations.join(best, on="c", how="left").select(
        pl.col("corporate_number").alias("法人番号"),
        verdict.alias("判定"),
        pl.col("insurance_number").fill_null("").alias("一致労働保険番号"),
        (pl.col("match_probability") * 100).round(0).alias("スコア"),
    ).write_csv(out)
    print(f"Splink: {predictions.height:,} pairs above 0.5")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
