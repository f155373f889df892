"""Per-branch revision numbers: bumped in the same transaction as a change to the records a branch's
figures are counted from, read by whoever keeps counted figures (targets.figures) to know whether
what it kept is still right.

A revision is a random number, new at every change rather than counted up, so figures kept in a
shared cache for another database (a benchmark's throw-away one) or for a state this one had before a
backup was restored never pass for the current one's.
"""

import secrets

from org.models import Branch, BranchRevision


def _new() -> int:
    return secrets.randbits(62)


def of(branch_ids) -> dict[int, int]:
    """{branch id: revision} of the branches asked for; a branch never counted gets its first one."""
    found = dict(BranchRevision.objects.filter(branch__in=branch_ids).values_list("branch", "revision"))
    missing = [pk for pk in branch_ids if pk not in found]
    if missing:
        BranchRevision.objects.bulk_create(
            [BranchRevision(branch_id=pk, revision=_new()) for pk in missing], ignore_conflicts=True
        )
        found.update(BranchRevision.objects.filter(branch__in=missing).values_list("branch", "revision"))
    return found


def touch(branch_ids) -> None:
    """The records of these branches changed (call inside the transaction that changes them)."""
    branch_ids = {pk for pk in branch_ids if pk is not None}
    if branch_ids:
        BranchRevision.objects.filter(branch__in=branch_ids).update(revision=_new())


def touch_all() -> None:
    """Many branches' records changed at once (demo data, a bulk load)."""
    touch(Branch.objects.values_list("pk", flat=True))
