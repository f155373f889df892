"""The fiscal calendar: months, quarters and monthly counts (R-ORG-5)."""

import datetime

from lib import fiscal


def test_quarters_run_april_to_march_R_ORG_5():
    assert fiscal.quarter_range(2026, 1) == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    assert fiscal.quarter_range(2026, 3) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert fiscal.quarter_range(2026, 4) == (datetime.date(2027, 1, 1), datetime.date(2027, 3, 31))
    assert fiscal.month_range(2028, 2) == (datetime.date(2028, 2, 1), datetime.date(2028, 2, 29))


def test_monthly_counts_start_in_april():
    assert fiscal.by_month([("a", 4, 2), ("a", 3, 1), ("b", 12, 5)]) == {
        "a": [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        "b": [0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0],
    }
    assert fiscal.first_in_month([(1, datetime.date(2027, 1, 9))]) == {1: [0] * 9 + [1, 0, 0]}
    assert fiscal.cumulative([1, 0, 2]) == [1, 1, 3]
