"""What the import pages share: an uploaded file kept between its preview (or column mapping) and
the user's next step, outside the web root under var/imports/pending/ and removed once abandoned,
and the preview's bounded page of rows with its counts."""

import os
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from lib import tables

# A file nobody confirmed within this time is taken as abandoned (the next upload removes it).
KEEP_HOURS = 24
# Rows a preview shows: the rows with errors first, then the rest, up to this many.
PREVIEW_ROWS = 200
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}(\.[a-z]{1,4})?")


def _root() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def pending_dir() -> Path:
    return _root() / "pending"


def read(upload: Any) -> bytes:
    """An uploaded file's bytes, no more than the readers accept (and one byte to tell)."""
    data: bytes = upload.read(tables.MAX_UPLOAD_BYTES + 1)
    return data


def keep(data: bytes, *, suffix: str = "") -> str:
    """Keep an upload until the user's next step; the token names it. Abandoned ones go first."""
    sweep()
    folder = pending_dir()
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(16) + suffix
    (folder / token).write_bytes(data)
    return token


def path_of(token: str | None) -> Path | None:
    """The kept file of ``token`` if it is still there (a token is never a path of its own)."""
    if not token or not _TOKEN.fullmatch(token):
        return None
    path = pending_dir() / token
    return path if path.is_file() else None


def take(token: str | None) -> bytes | None:
    """The kept file's bytes, removing it: confirmed once."""
    path = path_of(token)
    if path is None:
        return None
    data = path.read_bytes()
    path.unlink(missing_ok=True)
    return data


def sweep(*, now: float | None = None) -> int:
    """Remove kept uploads older than KEEP_HOURS (and those an earlier release left directly in
    var/imports/); returns how many. A job's own files, in the folders beside, are not touched."""
    limit = (now or time.time()) - KEEP_HOURS * 3600
    removed = 0
    for folder in (pending_dir(), _root()):
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < limit:
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
    return removed


@dataclass
class Preview:
    """The rows a preview page shows, and the counts of the whole file."""

    rows: list[Any]
    total: int
    ok: int
    errors: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.rows)


def preview(rows: Sequence[Any], limit: int = PREVIEW_ROWS) -> Preview:
    """Rows with errors first, then the good ones, at most ``limit`` of them (a 100,000-row file
    would otherwise render megabytes of table); each row has ``ok``."""
    bad = [row for row in rows if not row.ok]
    shown = bad[:limit]
    if len(shown) < limit:
        shown += [row for row in rows if row.ok][: limit - len(shown)]
    return Preview(rows=shown, total=len(rows), ok=len(rows) - len(bad), errors=len(bad))
