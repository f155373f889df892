"""How a model declares its place in the organisation, so that org.access can scope it."""

from dataclasses import dataclass

from org.roles import STAFF_ROLES, Role


@dataclass(frozen=True)
class Scope:
    """Declared on every business model as ``scope = Scope(...)`` and read only by org.access.

    branch:   lookup from the model to its branch's id ("branch", "assignment__branch", "pk" for
              Branch itself); None marks shared master data that every user may read.
    assignee: lookup from the model to the user it is assigned to; a promoter or instructor sees
              only rows where it is themselves, and nothing of a model without one.
    writers:  the roles that may change rows they can see.
    """

    branch: str | None
    assignee: str | None = None
    writers: frozenset = STAFF_ROLES


# Prefectures, blocks and fiscal years: everyone reads them, only HQ administrators change them.
MASTER_DATA = Scope(branch=None, writers=frozenset({Role.HQ_ADMIN}))
