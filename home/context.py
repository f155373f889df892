"""What each role's home page shows besides its work queues: its figures, progress and links, from its scope."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from councils.services import overdue
from events.models import Dispatch
from fieldwork.models import COUNTED_FOR_TARGETS, Enrolment, Method, Visit
from lib import wareki
from org import access
from org.models import Branch, FiscalYear, User
from org.roles import ADMIN_ROLES, ASSIGNEE_ROLES, FIELD_ROLES, Role
from roster.models import OPEN_STATUSES, Business
from targets import services as target_services
from targets.models import Measure

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


def _link(label: str, url_name: str, *args, note: str = "") -> dict:
    return {"label": label, "url": reverse(url_name, args=args), "note": note}


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
    links = []
    if user.role == Role.LECTURER:
        mine = access.visible(user, Dispatch.objects.filter(report__isnull=True)).count()
        stats = [{"label": "実施報告書が未提出の派遣", "value": mine, "unit": "件"}]
        links.append(
            _link(
                "担当のセミナー・相談会",
                "dispatch_list",
                note="派遣の予定、実施報告書の作成、アンケートのQRコード",
            )
        )
    elif user.role not in FIELD_ROLES:
        branches = access.visible(user, Branch.objects.all())
        stats = [
            {"label": "支部", "value": branches.count(), "unit": "支部"},
            {"label": "支部職員（促進員）", "value": counts["staff"], "unit": "人"},
            {"label": "推進員", "value": counts["promoters"], "unit": "人"},
            {"label": "指導員", "value": counts["instructors"], "unit": "人"},
        ]
        links.append(_link("目標管理", "dashboard", note="目標と実績・年度末見込み・進捗管理様式"))
        links.append(_link("未手続事業名簿", "roster_business_list", note="一覧表・本省リストの取込と名寄せ"))
        links.append(_link("協議会", "council_list", note="労働局との協議会（第1回〜第3回）・困難事案の移管"))
        links.append(
            _link("役割分担", "division", note="名簿の労働局・支部への分担、協議会資料、労働局分の送付")
        )
        links.append(_link("加入促進計画", "plan", note="月別の訪問・成立の計画と実績"))
        links.append(_link("担当割当", "assignment_list", note="推進員・指導員への事業所の割当と担当状況"))
        links.append(
            _link("訪問・成立の状況", "field_activity", note="推進員別・市区町村別・月別、加入勧奨状況報告書")
        )
        links.append(
            _link("加入勧奨推進費の支給基準", "fee_rules", note="年度ごとの調査説明費・成功報酬費・税率")
        )
        links.append(
            _link(
                "説明会・研修・セミナー",
                "events_home",
                note="事業主説明会・推進員研修・起業者向けセミナー・ブロック会議",
            )
        )
        links.append(_link("人員名簿", "person_list", note="推進員・促進員・指導員・講師と振込口座"))
        links.append(_link("委嘱", "appointment_list", note="申請・誓約書・決定・更新・委嘱状と推進員証"))
        links.append(_link("促進員の配置と手当", "allocation", note="配置人数・代表促進員・稼動日"))
        if user.is_hq:
            links.append(_link("支給申請の本部審査", "hq_review", note="支部から送付された申請の支給決定"))
            if user.has_payment_permission:
                links.append(_link("支払バッチ", "batch_list", note="四半期ごとの支払・全銀振込ファイル"))
            links.append(_link("支部一覧", "branch_list", note="全国47支部の体制"))
        else:
            links.append(_link("自支部の情報", "branch_detail", user.branch_id))
        links.append(_link("ブロック", "block_list"))
        links.append(_link("年度", "fiscal_year_list"))
    else:
        mine = access.visible(user, Business.objects.filter(status__in=OPEN_STATUSES)).count()
        stats = [{"label": "担当事業所（未完了）", "value": mine, "unit": "件"}]
        links.append(_link("担当事業所", "worklist", note="割り当てられた事業所の一覧"))
        links.append(
            _link(
                "加入勧奨推進費の支給申請",
                "claim_list",
                note="月ごとの申請（調査説明費・成功報酬費）と対象外の理由",
            )
        )
    if user.role in ADMIN_ROLES:
        today_start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
        failures = access.visible(
            user, AuditEntry.objects.filter(event="login_failed", timestamp__gte=today_start)
        ).count()
        stats.append({"label": "本日のログイン失敗", "value": failures, "unit": "件"})
        links.insert(0, _link("ユーザー管理", "user_list", note="登録・無効化・二要素認証のリセット"))
        links.insert(1, _link("監査ログ", "audit_list", note="誰が・いつ・何を変更したか"))
    if user.role == Role.HQ_ADMIN:
        links.append(_link("管理サイト", "admin:index"))
    links.append(_link("パスワード変更", "password_change"))
    return {
        "intro": ROLE_INTROS[Role(user.role)],
        "fiscal_year": fiscal_year.first(),
        "stats": stats,
        "links": links,
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
        progress = target_services.progress(fiscal_year, [user.branch], today)
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
