"""{{ date|wareki }} → 令和6年4月1日; {{ amount|yen }} → 9,200円; {{ number|insurance_number }} →
13-1-01-123456-000; {{ code|postal }} → 151-0053."""

import re

from django import template

from lib import insurance_number as numbers
from lib import wareki as calendar

register = template.Library()


@register.filter
def wareki(value) -> str:
    return calendar.format_date(value) if value else ""


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
