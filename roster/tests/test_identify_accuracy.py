"""Accuracy of identification on synthetic data with ground truth (the benchmark's data, small)."""

import numpy as np
import polars as pl

from bench import synthetic
from lib import identify


def test_precision_and_recall_for_already_registered_meet_the_targets():
    rng = np.random.default_rng(7)
    corporations = synthetic.corporations(20_000, rng)
    listing, truth = synthetic.registered(corporations, rng)
    rows = identify.identify(synthetic.nta_frame(corporations), listing).rows
    predicted = set(rows.filter(pl.col("判定") == identify.REGISTERED)["法人番号"])
    actual = set(truth["corporate_number"]) & set(rows["法人番号"])
    hits = len(predicted & actual)
    assert hits / len(predicted) >= 0.99  # precision
    assert hits / len(actual) >= 0.98  # recall
