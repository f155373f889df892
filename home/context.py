"""What each role's home page shows besides its work queues: its figures, progress and links, from its scope."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from audit.models import AuditEntry
from councils.services import overdue
from events.models import Dispatch
from fieldwork.models import COUNTED_FOR_TARGETS, Enrolment, Method, Visit
from lib import wareki
from org import access, navigation
from org.models import Branch, FiscalYear, User
from org.roles import ADMIN_ROLES, ASSIGNEE_ROLES, FIELD_ROLES, Role
from roster.models import OPEN_STATUSES, Business
from targets import services as target_services
from targets.models import OUTREACH, Measure

ROLE_INTROS = {
    Role.HQ_ADMIN: "全国の支部・ユーザー・マスタを管理します。",
    Role.HQ_STAFF: "全国の進捗を確認し、委嘱・審査・支払を行います。",
    Role.BRANCH_ADMIN: "支部のユーザーと業務を管理します。",
    Role.BRANCH_STAFF: "支部の名簿・協議会・担当割当・審査を行います。",
    Role.PROMOTER: "担当事業所を訪問し、訪問と成立を記録します。",
    Role.INSTRUCTOR: "推進員に同行し、または単独で訪問を行います。",
    Role.LECTURER: "派遣されたセミナー・相談会の実施報告書を作成します。",
    Role.VIEWER: "進捗を閲覧します（変更はできません）。",
}


def home_context(user: User) -> dict:
    today = timezone.localdate()
    fiscal_year = FiscalYear.objects.filter(year=wareki.fiscal_year_of(today))
    users = access.visible(user, User.objects.filter(is_active=True))
    counts = users.aggregate(
        total=Count("pk"),
        promoters=Count("pk", filter=Q(role=Role.PROMOTER)),
        staff=Count("pk", filter=Q(role=Role.BRANCH_STAFF)),
        instructors=Count("pk", filter=Q(role=Role.INSTRUCTOR)),
    )
    stats = []
    if user.role == Role.LECTURER:
        mine = access.visible(user, Dispatch.objects.filter(report__isnull=True)).count()
        stats = [{"label": "実施報告書が未提出の派遣", "value": mine, "unit": "件"}]
    elif user.role not in FIELD_ROLES:
        branches = access.visible(user, Branch.objects.all())
        stats = [
            {"label": "支部", "value": branches.count(), "unit": "支部"},
            {"label": "支部職員（促進員）", "value": counts["staff"], "unit": "人"},
            {"label": "推進員", "value": counts["promoters"], "unit": "人"},
            {"label": "指導員", "value": counts["instructors"], "unit": "人"},
        ]
    else:
        mine = access.visible(user, Business.objects.filter(status__in=OPEN_STATUSES)).count()
        stats = [{"label": "担当事業所（未完了）", "value": mine, "unit": "件"}]
    if user.role in ADMIN_ROLES:
        today_start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
        failures = access.visible(
            user, AuditEntry.objects.filter(event="login_failed", timestamp__gte=today_start)
        ).count()
        stats.append({"label": "本日のログイン失敗", "value": failures, "unit": "件"})
    return {
        "intro": ROLE_INTROS[Role(user.role)],
        "fiscal_year": fiscal_year.first(),
        "stats": stats,
        "links": navigation.links_for(user),
        # HQ sees late branches summarised in its work queues; a branch its own councils here.
        "overdue_councils": _overdue_by_branch(user, today)
        if user.branch_id and user.role not in ASSIGNEE_ROLES
        else [],
        **_progress(user, today),
    }


def _progress(user: User, today: datetime.date) -> dict:
    """Each role's own progress (R-TGT-1): a promoter their month; a branch its measures against
    the targets, with what is behind the pace; HQ the branches most behind on enrolments."""
    fiscal_year = FiscalYear.for_date(today)
    if user.role in FIELD_ROLES:
        month = (today.replace(day=1), today)
        mine = {"appointment__person__user": user}
        return {
            "my_month": {
                "visits": Visit.objects.filter(method=Method.DIRECT, visited_on__range=month, **mine).count(),
                "enrolments": Enrolment.objects.filter(
                    COUNTED_FOR_TARGETS, enrolled_on__range=month, **mine
                ).count(),
            }
        }
    if user.role == Role.LECTURER:
        return {}
    share = target_services.elapsed_share(fiscal_year, today)
    if user.branch is not None:
        progress = target_services.progress(fiscal_year, [user.branch], today, only=OUTREACH)
        rows = [
            {
                "table": table,
                "row": table["rows"][0],
                "behind": target_services.behind(table["rows"][0], share),
            }
            for table in progress.values()
        ]
        return {"branch_progress": rows}
    branches = list(Branch.objects.select_related("prefecture"))
    table = target_services.progress(fiscal_year, branches, today, only=[Measure.ENROLLED])[Measure.ENROLLED]
    with_target = [r for r in table["rows"] if r["target"]]
    return {"most_behind": sorted(with_target, key=lambda r: r["rate"])[:5]}


def _overdue_by_branch(user: User, today: datetime.date) -> list[dict]:
    """The branch's councils not held by their month (R-CNL-1)."""
    lines: dict[Branch, list[str]] = {}
    for late in overdue(list(access.visible(user, Branch.objects.all())), today):
        lines.setdefault(late["branch"], []).append(f"{late['fiscal_year'].label} {late['number'].label}")
    return [{"branch": branch, "councils": "、".join(items)} for branch, items in lines.items()]
