"""One date style: every date a user reads is 和暦 (R-ORG-5), never 2026/12/07, 2026-12-07 or 2027年03月分.

The check reads the application's own source, as a reviewer would: a Western date format in a
string a user sees (a page, a message, a PDF, a notice) fails, wherever it was written.
"""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIPPED_PARTS = {".venv", ".venv-bench", "migrations", "tests", "bench", "node_modules", "static", "var"}

# A year written in Western digits next to a separator a reader sees: %Y/…, %Y年…, …%m/%d.
WESTERN_PY = re.compile(r"%Y/|%Y年|%m/%d|%-m/%-d|year\}年(?!度)")
# %Y-%m is also how keys and query strings are written (claim_deadline:2026-12, ?month=2026-12);
# it is a user's date only when the same line speaks Japanese.
ISO_MONTH_PY = re.compile(r"%Y-%m")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

DATE_FILTER = re.compile(r"""\|date:(["'])(?P<format>[^"']*)\1""")
# Machine-read dates: an <input>'s value, a link's query, htmx values and <time datetime> carry
# ISO dates, which a browser or the server reads, never a person.
ISO_FORMATS = {"Y-m-d", "Y-m"}
ATTRIBUTE = re.compile(r"""\s([\w-]+)=["']""")
MACHINE_ATTRIBUTES = {"value", "href", "hx-vals", "datetime"}
# A day within a month already named on the page (a claim's lines): 11月30日, no year to write.
WITHIN_MONTH = {"n月j日"}


def _sources(pattern: str):
    for path in sorted(ROOT.rglob(pattern)):
        if SKIPPED_PARTS.isdisjoint(path.relative_to(ROOT).parts):
            yield path


def western_dates_in_python(text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if WESTERN_PY.search(line) or (ISO_MONTH_PY.search(line) and JAPANESE.search(line)):
            found.append(f"{number}: {line.strip()}")
    return found


def western_dates_in_template(text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for match in DATE_FILTER.finditer(line):
            fmt = match["format"]
            if fmt in WITHIN_MONTH:
                continue
            opened = ATTRIBUTE.findall(line[: match.start()])
            if fmt in ISO_FORMATS and opened and opened[-1] in MACHINE_ATTRIBUTES:
                continue
            found.append(f"{number}: |date:{fmt!r}")
    return found


def test_no_western_date_in_python_messages_R_ORG_5():
    offenders = [
        f"{path.relative_to(ROOT)}:{hit}"
        for path in _sources("*.py")
        for hit in western_dates_in_python(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_western_date_in_templates_R_ORG_5():
    offenders = [
        f"{path.relative_to(ROOT)}:{hit}"
        for path in _sources("*.html")
        for hit in western_dates_in_template(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_check_sees_each_western_style():
    """The scans catch each style the outside test found side by side, and spare machine dates."""
    assert western_dates_in_python('f"{line.day:%Y/%m/%d}"')
    assert western_dates_in_python('f"{month:%Y年%m月}分"')
    assert western_dates_in_python('f"{month:%Y年%-m月}分"')
    assert western_dates_in_python('f"{year}年{month}月（{days}日）"')
    assert not western_dates_in_python('f"{fiscal_year.year}年度は登録されていません。"')
    assert western_dates_in_python('f"（{day:%Y-%m-%d}）に訪問"')
    assert not western_dates_in_python('key=f"claim_deadline:{month:%Y-%m}"')
    assert not western_dates_in_python('DATE = forms.DateInput(format="%Y-%m-%d")')
    assert western_dates_in_template('<td>{{ t.expires_on|date:"Y-m-d" }}</td>')
    assert western_dates_in_template("<li>{{ job.created_at|date:'Y/m/d H:i' }}</li>")
    assert not western_dates_in_template('<input type="date" value="{{ day|date:"Y-m-d" }}">')
    assert not western_dates_in_template("<a href=\"?month={{ previous|date:'Y-m' }}\">前月</a>")
    assert western_dates_in_template("<input aria-label=\"{{ c.month|date:'Y年n月' }}を選択\">")
    assert not western_dates_in_template('<span>{{ line.day|date:"n月j日" }}</span>')
