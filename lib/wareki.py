"""Japanese era (和暦) formatting of dates and fiscal years (R-ORG-5); era lookup by japanera."""

import datetime
import functools
import re
import unicodedata

from japanera import EraDate


# Kept: japanera's lookup costs about 0.15 ms, and a list page names the same few dates and years
# dozens of times (a year picker's labels, a worklist's next visits).
@functools.lru_cache(maxsize=4096)
def era_year(day: datetime.date) -> tuple[str, int]:
    """The era name and the year within it for a date, e.g. (令和, 6) for 2024-04-01."""
    era_date = EraDate.from_date(day)
    return era_date.strftime("%-K"), int(era_date.strftime("%-Y"))


def _year_text(year: int) -> str:
    # The first year of an era is written 元年, never 1年.
    return "元" if year == 1 else str(year)


def format_date(day: datetime.date) -> str:
    """令和6年4月1日."""
    era, year = era_year(day)
    return f"{era}{_year_text(year)}年{day.month}月{day.day}日"


def year_month(day: datetime.date) -> str:
    """令和8年10月: the month a report is for."""
    era, year = era_year(day)
    return f"{era}{_year_text(year)}年{day.month}月"


def fiscal_year_era(start_year: int) -> str:
    """The era form of a fiscal year (April–March), e.g. 令和6年度 for 2024.

    The year is named in the era that holds the end of its first calendar year, which gives
    令和元年度 for FY2019 (begun under 平成 on 1 April 2019, renamed when 令和 began on 1 May)
    as the ministries write it, and 平成元年度 for FY1989.
    """
    era, year = era_year(datetime.date(start_year, 12, 31))
    return f"{era}{_year_text(year)}年度"


def fiscal_year_label(start_year: int) -> str:
    """令和6年度（2024年度）."""
    return f"{fiscal_year_era(start_year)}（{start_year}年度）"


def fiscal_year_of(day: datetime.date) -> int:
    """The fiscal year a date belongs to: 1 April to 31 March (R-ORG-5)."""
    return day.year if day.month >= 4 else day.year - 1


ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911}
ERA_INITIALS = {"R": "令和", "H": "平成", "S": "昭和", "T": "大正"}
_ERA_DATE = re.compile(
    r"^(令和|平成|昭和|大正|[RHST])\s*(元|\d{1,2})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?$"
)
_WESTERN_DATE = re.compile(r"^(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?$")


def parse_date(text: str) -> datetime.date:
    """Read a date as offices write it: 令和6年4月1日, R6.4.1, 2024/4/1, 2024-04-01, 2024年4月1日.

    Parsed by hand because japanera's parsing of unpadded forms is unreliable. Raises
    ValueError with a Japanese message.
    """
    value = unicodedata.normalize("NFKC", str(text)).strip().upper()
    if match := _ERA_DATE.match(value):
        era = ERA_INITIALS.get(match[1], match[1])
        year = ERAS[era] + (1 if match[2] == "元" else int(match[2]))
        month, day = int(match[3]), int(match[4])
    elif match := _WESTERN_DATE.match(value):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError(f"日付として読めません：「{text}」（例：令和6年4月1日、2024/4/1）")
    try:
        result = datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"存在しない日付です：「{text}」") from None
    if match.re is _ERA_DATE and era_year(result)[0] != era:
        raise ValueError(f"{era}の期間外の日付です：「{text}」")
    return result


_MONTH_TAIL = re.compile(r"^(.*?)\s*[年./-]\s*(\d{1,2})\s*月?$")


def parse_month(text: str) -> datetime.date:
    """The first day of a month written as offices write it: 令和6年4月, R6.4, 2024/4, 2024-04,
    2024年4月 (or a full date, whose month is taken). Raises ValueError with a Japanese message."""
    value = unicodedata.normalize("NFKC", str(text)).strip()
    try:
        return parse_date(value).replace(day=1)
    except ValueError:
        pass
    if match := _MONTH_TAIL.match(value):
        try:
            return parse_date(f"{match[1]}年{match[2]}月1日")
        except ValueError:
            pass
    raise ValueError(f"年月として読めません：「{text}」（例：令和6年4月、2024/4）")
