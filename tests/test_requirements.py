"""Dependencies: production installs only what runs the site; every pin gives its reason."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_IN_PRODUCTION = {
    "pytest",
    "pytest-django",
    "ruff",
    "playwright",
    "faker",
    "import-linter",
    "matplotlib",
    "matplotlib-fontja",
}


def _names(path: Path) -> list[str]:
    return [
        re.split(r"[=<>\[ ]", line, maxsplit=1)[0].lower()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith(("#", "-r"))
    ]


def test_production_installs_no_test_lint_browser_or_demo_tools():
    assert not NOT_IN_PRODUCTION & set(_names(ROOT / "requirements.txt"))
    assert {"pytest", "ruff", "playwright", "faker", "import-linter"} <= set(
        _names(ROOT / "requirements-dev.txt")
    )


def test_every_pin_is_exact():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith(("#", "-r")):
                assert "==" in line, f"{name}: {line}"


def test_the_pdf_font_ships_with_its_licence():
    fonts = ROOT / "lib" / "fonts"
    assert (fonts / "ipaexg.ttf").stat().st_size > 1_000_000
    assert "IPA" in (fonts / "IPA_Font_License_Agreement_v1.0.txt").read_text(
        encoding="utf-8", errors="replace"
    )
