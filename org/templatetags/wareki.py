"""{{ date|wareki }} → 令和6年4月1日; {{ amount|yen }} → 9,200円."""

from django import template

from lib import wareki as calendar

register = template.Library()


@register.filter
def wareki(value) -> str:
    return calendar.format_date(value) if value else ""


@register.filter
def yen(value) -> str:
    return f"{int(value):,}円" if value is not None else ""
