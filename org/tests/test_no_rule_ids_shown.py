"""Internal rule ids (R-FEE-5, D-3 …) are for the code and its tests, never for users:
no template and no text in the application's code outside docstrings and comments names one."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Not \b: in Python's Unicode regexes a kana is a word character, so "D-1の既定" has no boundary
# after the 1 and slipped through.
RULE_ID = re.compile(r"(?<![A-Za-z0-9])[RD]-(?:[A-Z]{2,4}-)?\d+(?![0-9])")
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


def _project_app_configs():
    from django.apps import apps

    return [config for config in apps.get_app_configs() if Path(config.path).is_relative_to(ROOT)]


def test_no_field_label_help_text_or_choice_names_a_rule_id():
    """What forms show comes also from models (verbose_name, help_text, choices) and from forms built at
    run time: read them as a user meets them, not only as constants in the code."""
    import importlib
    from importlib.util import find_spec

    from django import forms

    shown = []
    for config in _project_app_configs():
        for model in config.get_models():
            for field in model._meta.get_fields():
                for text in (getattr(field, "verbose_name", ""), getattr(field, "help_text", "")):
                    shown.append((f"{model.__name__}.{field.name}", str(text)))
                for _, label in getattr(field, "flatchoices", None) or []:
                    shown.append((f"{model.__name__}.{field.name}", str(label)))
        if find_spec(f"{config.name}.forms"):
            importlib.import_module(f"{config.name}.forms")
    pending = list(forms.Form.__subclasses__()) + list(forms.ModelForm.__subclasses__())
    seen = set()
    while pending:
        form = pending.pop()
        if form in seen:
            continue
        seen.add(form)
        pending.extend(form.__subclasses__())
        if form.__module__.split(".")[0] not in {c.name for c in _project_app_configs()}:
            continue
        for name, field in form.base_fields.items():
            for text in (field.label or "", field.help_text or ""):
                shown.append((f"{form.__name__}.{name}", str(text)))
            if isinstance(field, forms.ModelChoiceField):
                continue  # its choices are rows of the database, not texts of the code
            for _, label in getattr(field, "choices", None) or []:
                shown.append((f"{form.__name__}.{name}", str(label)))
    assert len(seen) > 20  # the forms of every app were found
    assert [f"{where}: {text}" for where, text in shown if RULE_ID.search(text)] == []
