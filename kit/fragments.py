"""Parts of the pages opened most, rendered once and kept in the shared cache under what they show.

The worklist (7,700 promoters) and the roster list (each branch's staff) spent most of their time
reading and rendering the same rows again. Nothing here is invalidated by hand: a part is
kept under a *version* of what it shows — the values of a row, or a cheap summary of a list that
changes whenever one of its rows does (the way Rails keys a collection: count, ids, latest change)
— and under this release's code, so a change to a record, a template or a filter gives a new key,
and an old entry is never read again (it only waits to expire). Kept parts hold no user, request or
token, so the page around them (menu, CSRF token, messages) is rendered for every request.
"""

import functools
import hashlib
import operator
import os
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

R = TypeVar("R")
T = TypeVar("T")

# A row is kept under its own values: a day, then it only waits to be rendered again.
ROW_SECONDS = 24 * 60 * 60
# A list is kept under a summary stamped by the clock (kit.tracked), and a change committed late by a
# long transaction can carry an earlier stamp than one already seen: a minute bounds that case.
LIST_SECONDS = 60
_NOT_CODE = {"var", "bench", "docs", "tests", "node_modules", "__pycache__"}


@functools.cache
def _release() -> str:
    """A digest of this installation's code and templates: what an earlier release kept (a template
    or a filter since changed) is never shown by a later one sharing the cache."""
    digest = hashlib.blake2b(digest_size=8)
    for folder, dirs, files in os.walk(settings.BASE_DIR):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _NOT_CODE)
        for name in sorted(files):
            if name.endswith((".py", ".html")):
                digest.update(Path(folder, name).read_bytes())
    return digest.hexdigest()


def _key(name: str, version: Hashable) -> str:
    digest = hashlib.blake2b(repr(version).encode(), digest_size=16).hexdigest()
    return f"kept:{_release()}:{name}:{digest}"


def kept(name: str, version: Hashable, compute: Callable[[], T]) -> T:
    """What ``compute`` gives, kept a minute under ``name`` and ``version``: ``version`` must change
    whenever anything the result shows changes, and hold whatever narrows it (the user, the search,
    the page)."""
    key = _key(name, version)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, LIST_SECONDS)
    return found


def rendered_rows(
    template_name: str, rows: Iterable[R], shows: tuple[str, ...], name: str = "row"
) -> list[tuple[R, SafeString]]:
    """Each row with its HTML: read from the cache in one round trip, the missing ones rendered
    with ``template_name`` (the row as ``name``) and kept. ``shows`` names every attribute the
    template reads of the row (``branch.name`` for a related one; a test holds templates to it)."""
    rows = list(rows)
    shown = operator.attrgetter(*shows)
    keys = [_key(template_name, shown(row)) for row in rows]
    found = cache.get_many(keys)
    missing = {}
    for row, key in zip(rows, keys, strict=True):
        if key not in found:
            found[key] = missing[key] = render_to_string(template_name, {name: row})
    if missing:
        cache.set_many(missing, ROW_SECONDS)
    return [(row, found[key]) for row, key in zip(rows, keys, strict=True)]
