"""Accuracy of identification on synthetic data with ground truth (the benchmark's data, small):
the identification goals, on the benchmark's variant and on held-out data of the same format."""

import numpy as np
import polars as pl
import pytest

from bench import synthetic
from lib import identify


@pytest.mark.parametrize(("variant", "seed"), [("bench", 7), ("heldout", 8)])
def test_precision_recall_and_the_share_to_review_meet_the_goals(variant, seed):
    rng = np.random.default_rng(seed)
    corporations = synthetic.corporations(20_000, rng)
    listing, truth = synthetic.registered(corporations, rng, variant=variant)
    assert listing.height > 0.95 * corporations.height  # about as many registered rows as corporations
    rows = identify.identify(synthetic.nta_frame(corporations), listing).rows
    predicted = set(rows.filter(pl.col("判定") == identify.REGISTERED)["法人番号"])
    actual = set(truth["corporate_number"]) & set(rows["法人番号"])
    hits = len(predicted & actual)
    assert hits / len(predicted) >= 0.998  # precision
    assert hits / len(actual) >= 0.985  # recall
    assert rows.filter(pl.col("判定") == identify.REVIEW).height / rows.height <= 0.03
