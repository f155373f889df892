"""Where people go: the one list of links behind the menu of every page and the home pages, by role
, and where a page sends a person next (a ``next`` only if it stays on this site)."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from org import access
from org.models import User
from org.roles import FIELD_ROLES, Role


def safe_next(request: HttpRequest, default: str) -> str:
    """The request's ``next`` (form field or query), or ``default`` when it is missing or would lead
    off this site. Every step checks its own ``next``: a nested one (``/otp/?next=https://…``) is
    checked again where it is used, so it cannot send an administrator away after the second factor."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)


# Whom a link concerns, beyond whoever may open its page (org.access.may_open decides that): HQ's
# and a branch's review pages, say, are both open to HQ staff, but each is the menu's for one of them.
def _office(user: User) -> bool:
    return user.role not in FIELD_ROLES and user.role != Role.LECTURER


def _field(user: User) -> bool:
    return user.role in FIELD_ROLES


def _lecturer(user: User) -> bool:
    return user.role == Role.LECTURER


def _hq_office(user: User) -> bool:
    return _office(user) and user.is_hq


def _branch_office(user: User) -> bool:
    return _office(user) and not user.is_hq


def _with_queues(user: User) -> bool:
    return user.role not in (Role.VIEWER, Role.LECTURER)


def _everyone(user: User) -> bool:
    return True


@dataclass(frozen=True)
class Link:
    """One destination: its label and note on the home page, its short label in the menu (none: not
    in the menu), and whom it concerns (shown to those of them its page lets in)."""

    label: str
    url_name: str
    who: Callable[[User], bool] = _everyone
    note: str = ""
    menu: str = ""
    on_home: bool = True
    own_branch: bool = False  # the URL takes the user's branch


# The one list of where people go: the menu of every page and the home page's links.
LINKS = [
    Link("作業一覧", "work_queues", _with_queues, menu="作業一覧", on_home=False),
    Link("ユーザー管理", "user_list", _everyone, "登録・無効化・二要素認証のリセット", menu="ユーザー管理"),
    Link("監査ログ", "audit_list", _everyone, "誰が・いつ・何を変更したか", menu="監査ログ"),
    Link("担当事業所", "worklist", _field, "割り当てられた事業所の一覧", menu="担当事業所"),
    Link(
        "加入勧奨推進費の支給申請",
        "claim_list",
        _field,
        "月ごとの申請（調査説明費・成功報酬費）と対象外の理由",
        menu="支給申請",
    ),
    Link(
        "担当のセミナー・相談会",
        "dispatch_list",
        _lecturer,
        "派遣の予定、実施報告書の作成、アンケートのQRコード",
        menu="担当のセミナー",
    ),
    Link("目標管理", "dashboard", _office, "目標と実績・年度末見込み・進捗管理様式", menu="目標管理"),
    Link("未手続事業名簿", "roster_business_list", _office, "一覧表・本省リストの取込と名寄せ", menu="名簿"),
    Link(
        "協議会", "council_list", _office, "労働局との協議会（第1回〜第3回）・困難事案の移管", menu="協議会"
    ),
    Link(
        "役割分担",
        "division",
        _office,
        "名簿の労働局・支部への分担、協議会資料、労働局分の送付",
        menu="役割分担",
    ),
    Link("加入促進計画", "plan", _office, "月別の訪問・成立の計画と実績"),
    Link("担当割当", "assignment_list", _office, "推進員・指導員への事業所の割当と担当状況", menu="担当割当"),
    Link(
        "訪問・成立の状況",
        "field_activity",
        _office,
        "推進員別・市区町村別・月別、加入勧奨状況報告書",
        menu="訪問・成立",
    ),
    Link(
        "支給申請の審査",
        "review_list",
        _branch_office,
        "推進員の支給申請の審査と本部への送付",
        menu="支給審査",
    ),
    Link("支給申請の本部審査", "hq_review", _hq_office, "支部から送付された申請の支給決定", menu="支給審査"),
    Link("加入勧奨推進費の支給基準", "fee_rules", _office, "年度ごとの調査説明費・成功報酬費・税率"),
    Link("支払バッチ", "batch_list", _everyone, "四半期ごとの支払・全銀振込ファイル"),
    Link(
        "説明会・研修・セミナー",
        "events_home",
        _office,
        "事業主説明会・推進員研修・起業者向けセミナー・ブロック会議",
        menu="説明会・研修",
    ),
    Link("人員名簿", "person_list", _office, "推進員・促進員・指導員・講師と振込口座", menu="人員"),
    Link("委嘱", "appointment_list", _office, "申請・誓約書・決定・更新・委嘱状と推進員証", menu="委嘱"),
    Link("促進員の配置と手当", "allocation", _office, "配置人数・代表促進員・稼動日", menu="促進員配置"),
    Link(
        "労働保険事務組合",
        "association_list",
        _office,
        "会員・非会員の名簿、組織率、委託事業主、新設・解散の相談記録",
    ),
    Link("労働局・監督署・安定所", "bureau_list", _office, "協議会・移管の相手方の連絡先と管轄"),
    Link(
        "労保連労働災害保険",
        "insurance_home",
        _office,
        "代理店（取扱事務組合）と保険料収入、月次明細の取込、代理店監査（書面点検）",
    ),
    Link(
        "その他の事業の実績",
        "program_records",
        _office,
        "中退共の復託・加入、年金共済、情報誌等の頒布、表彰の月次実績",
    ),
    Link("支部一覧", "branch_list", _hq_office, "全国47支部の体制", menu="支部"),
    Link("自支部の情報", "branch_detail", _branch_office, menu="支部", own_branch=True),
    Link("ブロック", "block_list", _office),
    Link("年度", "fiscal_year_list", _office),
    Link("管理サイト", "admin:index"),
    Link("パスワード変更", "password_change", _everyone),
    Link("APIトークン", "token_list", _everyone, "Excelや他のシステムから使う個人用のトークン"),
]


def links_for(user: User, *, menu: bool = False) -> list[dict[str, str]]:
    """The user's links in order: for the menu (short labels) or the home page (with notes)."""
    found = []
    for link in LINKS:
        if (link.menu if menu else link.on_home) and link.who(user) and access.may_open(user, link.url_name):
            url = reverse(link.url_name, args=[user.branch_id] if link.own_branch else [])
            found.append(
                {
                    "label": link.menu if menu else link.label,
                    "url": url,
                    "note": link.note,
                    "key": link.url_name,
                }
            )
    return found


def menu(request: HttpRequest) -> dict[str, object]:
    """Context processor: the signed-in user's menu, for base.html."""
    user = getattr(request, "user", None)
    # An administrator before the second factor gets no menu: its links and its counters would
    # only be answered by the second-factor page.
    if user is None or not access.signed_in(user):
        return {}
    # Built only when a template shows the menu (not for htmx fragments).
    return {"signed_in": True, "nav_menu": partial(links_for, user, menu=True)}
