"""Finding businesses as people type them: one matching rule for the roster, division,
assignment, worklist and briefing-attendee searches.

The query is folded as the businesses' search text was (lib.normalize: width, hiragana/katakana,
異体字, legal forms, spaces), so 「ﾐﾗｲ」 finds 「株式会社ミライ」 and 「高橋」 finds 「髙橋商事」; a query with
a house number is also read as an address (「西新宿1丁目2番3号」 finds 「西新宿1-2-3」); thirteen digits
are a corporate number. Names that start with the query come first.
"""

import re
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from lib import normalize


def _found(q: str, folded: str, prefix: str) -> Q:
    found = Q(**{f"{prefix}search_text__contains": folded}) if folded else Q(pk__in=[])
    if re.search(r"\d", q):
        address = normalize.normalize_address(q)
        if address:
            found |= Q(**{f"{prefix}address_key__contains": address})
    digits = re.sub(r"\D", "", q)
    if len(digits) == 13:
        found |= Q(**{f"{prefix}corporate_number": digits})
    return found


def matching(rows: QuerySet[Any], q: str, *, prefix: str = "") -> QuerySet[Any]:
    """``rows`` (businesses, or rows whose ``prefix`` leads to one) that match the query ``q``."""
    q = q.strip()
    return rows.filter(_found(q, normalize.fold(q), prefix)) if q else rows


def ranked(rows: QuerySet[Any], q: str) -> QuerySet[Any]:
    """Matching businesses, those whose name starts with the query first, then by name."""
    q = q.strip()
    if not q:
        return rows
    folded = normalize.fold(q)  # once: the match and the rank use it
    return (
        rows.filter(_found(q, folded, ""))
        .annotate(
            rank=Case(
                When(search_text__startswith=folded, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "name", "pk")
    )
