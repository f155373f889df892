"""The roles a user can hold, and the groups of roles that rules refer to."""

from django.db import models


class Role(models.TextChoices):
    HQ_ADMIN = "hq_admin", "本部管理者"
    HQ_STAFF = "hq_staff", "本部職員"
    BRANCH_ADMIN = "branch_admin", "支部管理者"
    BRANCH_STAFF = "branch_staff", "支部職員（促進員）"
    PROMOTER = "promoter", "推進員"
    INSTRUCTOR = "instructor", "指導員"
    LECTURER = "lecturer", "講師"
    VIEWER = "viewer", "閲覧者"


HQ_ROLES = frozenset({Role.HQ_ADMIN, Role.HQ_STAFF})
BRANCH_ROLES = frozenset(
    {Role.BRANCH_ADMIN, Role.BRANCH_STAFF, Role.PROMOTER, Role.INSTRUCTOR, Role.LECTURER}
)
ADMIN_ROLES = frozenset({Role.HQ_ADMIN, Role.BRANCH_ADMIN})
FIELD_ROLES = frozenset({Role.PROMOTER, Role.INSTRUCTOR})
# Roles that see only the rows assigned to them: field work, and a lecturer's own dispatches.
ASSIGNEE_ROLES = FIELD_ROLES | {Role.LECTURER}
# Office staff who keep the business data of HQ or of a branch.
STAFF_ROLES = frozenset({Role.HQ_ADMIN, Role.HQ_STAFF, Role.BRANCH_ADMIN, Role.BRANCH_STAFF})
