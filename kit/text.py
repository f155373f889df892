"""Text composed into a bounded column: a title naming a business, a reason quoting a file name.

What a user typed is refused by its form when it is too long; what the application composes from
several parts (「{name}」から分離) is cut here to the column's own ``max_length``, read from the
model, so it never fails on PostgreSQL (SQLite does not enforce varchar lengths)."""

from typing import Any

from django.db.models import Model

ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` characters, else its start and … in ``limit``."""
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS


def one_line(text: str) -> str:
    """Line breaks (CR, LF and the other Unicode line separators) as single spaces: a mail subject
    or a title on one line."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def fit(model: type[Model] | Model, field: str, text: str) -> str:
    """``text`` cut with … to the ``max_length`` of ``model.field``."""
    column: Any = model._meta.get_field(field)
    return shorten(text, column.max_length) if column.max_length else text


def fill(model: type[Model] | Model, field: str, template: str, **parts: str) -> str:
    """``template.format(**parts)`` within the ``max_length`` of ``model.field``: the parts (a name,
    a file name) are cut with …, longest first, so the template's own words are kept whole:
    「株式会社長…」の成功報酬費を申請できるようになりました, not 「株式会社長長長長…."""
    column: Any = model._meta.get_field(field)
    limit = column.max_length
    text = template.format(**parts)
    while limit and len(text) > limit:
        longest = max(parts, key=lambda name: len(parts[name]), default=None)
        if longest is None or len(parts[longest]) <= len(ELLIPSIS):
            return shorten(text, limit)  # the template alone is too long
        parts[longest] = shorten(
            parts[longest], max(len(ELLIPSIS), len(parts[longest]) - (len(text) - limit))
        )
        text = template.format(**parts)
    return text


def fit_filename(model: type[Model] | Model, field: str, filename: str, *, prefix: str = "") -> str:
    """``prefix`` and a file's name within the ``max_length`` of ``model.field``, the name cut
    before its extension, which says how the file is read: 「名簿名簿…名簿….csv」."""
    stem, dot, suffix = filename.rpartition(".")
    literal = prefix.replace("{", "{{").replace("}", "}}")
    if not dot or not stem or len(suffix) > 10:
        return fill(model, field, literal + "{name}", name=filename)
    return fill(model, field, literal + "{stem}." + suffix.replace("{", "{{").replace("}", "}}"), stem=stem)
