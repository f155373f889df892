"""Internal rule ids (R-FEE-5, D-3 …) are for the code and its tests, never for users (issue 20):
no template and no text in the application's code outside docstrings and comments names one."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULE_ID = re.compile(r"\b[RD]-(?:[A-Z]{2,4}-)?\d+\b")
SKIPPED = {".venv", ".venv-bench", "bench", "tests", "migrations", "node_modules"}


def _application_files(suffix: str) -> list[Path]:
    return [path for path in ROOT.rglob(f"*{suffix}") if not SKIPPED & set(path.relative_to(ROOT).parts)]


def _shown_strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_text_of_the_code_names_a_rule_id():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text[:60]}"
        for path in _application_files(".py")
        for line, text in _shown_strings(path)
        if RULE_ID.search(text)
    ]
    assert found == []


@pytest.mark.parametrize("path", _application_files(".html"), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_names_a_rule_id(path):
    text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.S)
    assert RULE_ID.findall(text) == []


def test_the_check_finds_a_rule_id_where_one_is_shown(tmp_path):
    shown = tmp_path / "view.py"
    shown.write_text(
        '"""R-FEE-5 in a docstring is fine."""\nMESSAGE = "期限です（R-FEE-5）"\n', encoding="utf-8"
    )
    assert [text for _, text in _shown_strings(shown) if RULE_ID.search(text)] == ["期限です（R-FEE-5）"]
