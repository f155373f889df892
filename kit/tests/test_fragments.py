"""Kept parts of pages (kit.fragments): kept under what they show, never under anything less."""

import re
from types import SimpleNamespace

import pytest
from django.template.loader import get_template

from kit import fragments
from roster.models import BusinessStatus

# Every row template kept by kit.fragments.rendered_rows, with the attributes it is kept under.
ROW_TEMPLATES = [
    ("fieldwork/worklist_card.html", "fieldwork.views", "CARD_SHOWS"),
    ("roster/business_row.html", "roster.views", "ROW_SHOWS"),
]


@pytest.mark.parametrize(("template_name", "module", "constant"), ROW_TEMPLATES)
def test_a_row_is_kept_under_every_value_its_template_shows(template_name, module, constant):
    shows = getattr(__import__(module, fromlist=[constant]), constant)
    source = get_template(template_name).template.source
    read = {re.sub(r"^get_(\w+)_display$", r"\1", attr) for attr in re.findall(r"\bb\.([\w.]+)", source)}
    assert read and read <= set(shows), (
        f"{template_name} shows {read - set(shows)} without keeping its rows under it"
    )


def _row(**values):
    base = {"pk": 1, "name": "青葉商事", "address": "東京都", "corporate_number": "", "status": "on_roster"}
    base.update(values)
    row = SimpleNamespace(**base, branch=SimpleNamespace(name="東京支部"))
    row.get_status_display = lambda: BusinessStatus(row.status).label
    return row


def test_a_row_is_rendered_once_and_read_back_while_its_values_stay():
    first = fragments.rendered_rows("roster/business_row.html", [_row()], ("pk", "name", "status"), name="b")
    assert "青葉商事" in first[0][1] and "名簿登載" in first[0][1]
    # Same values: the kept HTML comes back (a value not in the key, the address, is not looked at).
    again = fragments.rendered_rows(
        "roster/business_row.html", [_row(address="大阪府")], ("pk", "name", "status"), name="b"
    )
    assert again[0][1] == first[0][1] and "大阪府" not in again[0][1]
    # A value in the key changed: rendered anew.
    renamed = fragments.rendered_rows(
        "roster/business_row.html", [_row(name="赤坂工業")], ("pk", "name", "status"), name="b"
    )
    assert "赤坂工業" in renamed[0][1]


def test_a_list_is_computed_once_per_version():
    calls = []
    assert fragments.kept("list", ("a", 1), lambda: calls.append(1) or "一") == "一"
    assert fragments.kept("list", ("a", 1), lambda: calls.append(1) or "二") == "一"
    assert fragments.kept("list", ("a", 2), lambda: calls.append(1) or "三") == "三"
    assert len(calls) == 2


def test_another_release_never_reads_what_an_earlier_one_kept(settings, tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text("A = 1\n")
    (tmp_path / "app" / "card.html").write_text("<p>{{ b.name }}</p>\n")
    (tmp_path / ".venv").mkdir()
    settings.BASE_DIR = tmp_path
    fragments._release.cache_clear()
    try:
        before = fragments._release()
        (tmp_path / ".venv" / "site.py").write_text("ignored = True\n")  # installed packages: not ours
        fragments._release.cache_clear()
        assert fragments._release() == before
        (tmp_path / "app" / "card.html").write_text("<p>{{ b.name }}様</p>\n")
        fragments._release.cache_clear()
        assert fragments._release() != before
    finally:
        fragments._release.cache_clear()
