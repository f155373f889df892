"""{{ date|wareki }} → 令和6年4月1日; {{ month|wareki_month }} → 令和8年10月; {{ moment|wareki_time }} →
令和8年11月30日 14:05 — the one style of dates on every page; {{ amount|yen }} → 9,200円; {{ number|insurance_number }} →
13-1-01-123456-000; {{ code|postal }} → 151-0053."""

import datetime
import re

from django import template
from django.utils import timezone

from lib import insurance_number as numbers
from lib import wareki as calendar

register = template.Library()


def _local(value):
    """A moment as the day and time in Japan; a date as it is."""
    return timezone.localtime(value) if isinstance(value, datetime.datetime) else value


@register.filter
def wareki(value) -> str:
    return calendar.format_date(_local(value)) if value else ""


@register.filter
def wareki_month(value) -> str:
    """令和8年10月: the month a claim or a report is for."""
    return calendar.year_month(_local(value)) if value else ""


@register.filter
def wareki_time(value, precision: str = "") -> str:
    """令和8年11月30日 14:05 (``"s"``: 14:05:09, where the audit trail needs the second): a moment,
    in the same style as the dates on the same page."""
    if not value:
        return ""
    moment = _local(value)
    return (
        f"{calendar.format_date(moment)} {moment:%H:%M:%S}"
        if precision == "s"
        else f"{calendar.format_date(moment)} {moment:%H:%M}"
    )


@register.filter
def yen(value) -> str:
    return f"{int(value):,}円" if value is not None else ""


@register.filter
def insurance_number(value) -> str:
    """A labour insurance number as offices write it, with hyphens; anything else as it is."""
    try:
        return numbers.parse(value).display
    except ValueError:
        return value or ""


@register.filter
def postal(value) -> str:
    """Seven digits as 151-0053; anything else as it is."""
    digits = re.sub(r"\D", "", value or "")
    return f"{digits[:3]}-{digits[3:]}" if len(digits) == 7 else (value or "")
