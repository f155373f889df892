"""docs/rules.md is the repository's copy of the shared rules digest: the same text."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "domain" / "RULES.md"


def test_the_rules_the_code_cites_are_in_the_repository():
    copy = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for cited in ("R-VIS-2", "R-ROS-4", "D-4", "D-8"):
        assert cited in copy


@pytest.mark.skipif(not SHARED.exists(), reason="the shared folder is not beside this clone")
def test_the_copy_matches_the_shared_digest():
    copy = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert copy.split("\n", 2)[2] == SHARED.read_text(encoding="utf-8")
