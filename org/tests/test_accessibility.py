"""Accessibility basics in every template: each table header says whether it heads a
column or a row, so that a screen reader reads each cell with its header."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [
    path
    for path in ROOT.rglob("*.html")
    if not {".venv", ".venv-bench", "node_modules"} & set(path.relative_to(ROOT).parts)
]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_table_header_has_a_scope(path):
    headers = re.findall(r"<th(?=[\s>])[^>]*>", path.read_text(encoding="utf-8"))
    assert [h for h in headers if "scope=" not in h] == []


def test_the_check_sees_a_header_without_scope():
    assert re.findall(r"<th(?=[\s>])[^>]*>", '<th scope="col">a</th><th class="x">b</th><thead>') == [
        '<th scope="col">',
        '<th class="x">',
    ]
