"""和暦 formatting of dates and fiscal years (R-ORG-5)."""

import datetime

import pytest

from lib import wareki


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2024, "令和6年度（2024年度）"),
        (2019, "令和元年度（2019年度）"),  # begun under 平成, named 令和元年度 as the ministries do
        (2018, "平成30年度（2018年度）"),
        (2011, "平成23年度（2011年度）"),  # the seeds' 別紙 year
        (1989, "平成元年度（1989年度）"),
    ],
)
def test_fiscal_year_label_R_ORG_5(year, label):
    assert wareki.fiscal_year_label(year) == label


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (datetime.date(2024, 4, 1), "令和6年4月1日"),
        (datetime.date(2019, 4, 30), "平成31年4月30日"),
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(2025, 3, 31), "令和7年3月31日"),
    ],
)
def test_format_date_writes_gannen_for_the_first_year(day, text):
    assert wareki.format_date(day) == text


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (datetime.date(2024, 4, 1), 2024),
        (datetime.date(2025, 3, 31), 2024),
        (datetime.date(2025, 1, 1), 2024),
        (datetime.date(2024, 3, 31), 2023),
    ],
)
def test_fiscal_year_runs_april_to_march_R_ORG_5(day, fiscal_year):
    assert wareki.fiscal_year_of(day) == fiscal_year


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("令和6年4月1日", datetime.date(2024, 4, 1)),
        ("R6.4.1", datetime.date(2024, 4, 1)),
        ("2024/4/1", datetime.date(2024, 4, 1)),
        ("2024-04-01", datetime.date(2024, 4, 1)),
        ("２０２４年４月１日", datetime.date(2024, 4, 1)),
        ("令和元年5月1日", datetime.date(2019, 5, 1)),
        ("平成31年4月30日", datetime.date(2019, 4, 30)),
        ("昭和50年1月2日", datetime.date(1975, 1, 2)),
    ],
)
def test_dates_are_read_as_offices_write_them(text, day):
    assert wareki.parse_date(text) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [("令和1年4月30日", "令和の期間外"), ("2024/2/30", "存在しない日付"), ("昨日", "日付として読めません")],
)
def test_impossible_dates_are_refused_in_japanese(text, message):
    with pytest.raises(ValueError, match=message):
        wareki.parse_date(text)


@pytest.mark.parametrize(
    "text",
    [
        "令和6年4月",
        "R6.4",
        "2024/4",
        "2024-04",
        "2024年4月",
        "２０２４年４月",
        "2024-04-15",
        "令和6年4月30日",
    ],
)
def test_a_month_as_offices_write_it(text):
    assert wareki.parse_month(text) == datetime.date(2024, 4, 1)


@pytest.mark.parametrize("text", ["2024", "令和6年13月", "四月", ""])
def test_what_is_no_month_is_refused_in_japanese(text):
    with pytest.raises(ValueError, match="年月として読めません"):
        wareki.parse_month(text)
