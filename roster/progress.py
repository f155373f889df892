"""Identification against targets (R-ROS-2): per branch, per block and nationally, for a fiscal year."""

from django.db.models import Count, Q

from org.models import Branch, FiscalYear


def identification_progress(fiscal_year: FiscalYear, visible_branch_ids: set[int]) -> dict:
    """Businesses newly identified in the year against each branch's target.

    Block and national totals count every branch (they reveal no branch's rows); the branch
    rows are those the user may see. Targets are the FY2011 table until target management
    (issue 9) sets them per year.
    """
    branches = Branch.objects.select_related("block", "prefecture").annotate(
        identified=Count("businesses", filter=Q(businesses__fiscal_year=fiscal_year))
    )
    rows, blocks = [], {}
    for branch in branches:
        target = branch.default_identification_target
        block = blocks.setdefault(branch.block_id, {"name": branch.block.name, "identified": 0, "target": 0})
        block["identified"] += branch.identified
        block["target"] += target
        if branch.pk in visible_branch_ids:
            rows.append(
                {
                    "branch": branch,
                    "identified": branch.identified,
                    "target": target,
                    "rate": _rate(branch.identified, target),
                }
            )
    for block in blocks.values():
        block["rate"] = _rate(block["identified"], block["target"])
    identified = sum(b["identified"] for b in blocks.values())
    target = sum(b["target"] for b in blocks.values())
    return {
        "rows": rows,
        "blocks": list(blocks.values()),
        "national": {"identified": identified, "target": target, "rate": _rate(identified, target)},
    }


def _rate(done: int, target: int) -> float | None:
    return round(done * 100 / target, 1) if target else None
