"""The daily reminders: what each person must do before a deadline, run once a day by
``manage.py send_reminders`` (a timer; see the README). Each is a notice (notices.services.notify):
one per person, subject and day, so a second run on the same day gives nothing twice.

- promoters and instructors: in the month's last three working days, this month's claim not yet
  submitted (R-FEE-4: by the month's last day);
- branch staff: submitted claims whose sending to HQ (R-FEE-5: the 7th, March's by 31 March) is
  three working days away or past; on Mondays, enrolments whose employment-insurance procedure
  waits for confirmation (R-ENR-3); once a month, the councils planned for it; once in August,
  a promoter training not yet held (R-EVT-2: April to September);
- HQ: claims to decide, payment batches to approve (payers), branches behind their deadlines.

Working days skip weekends, public holidays (jpholiday) and 29 December – 3 January.
"""

import datetime
from collections import Counter

from django.db.models import Q
from django.urls import reverse

from councils.models import CouncilMeeting
from events.models import Training
from fieldwork.models import Enrolment, Visit
from fieldwork.services import field_appointment
from home import queues
from lib import fiscal, wareki
from notices.services import notify
from org import access
from org.models import FiscalYear, User
from org.roles import FIELD_ROLES, HQ_ROLES, Role
from payments.models import ClaimStatus, FeeClaim
from people.rules import is_workable_day

DAYS_BEFORE = 3


def working_days_left(today: datetime.date, deadline: datetime.date) -> int:
    """Working days from ``today`` to ``deadline``, both counted (0 once the deadline has passed)."""
    days = (deadline - today).days + 1
    return sum(1 for n in range(max(days, 0)) if is_workable_day(today + datetime.timedelta(days=n)))


def _month_end(day: datetime.date) -> datetime.date:
    return fiscal.month_range(day.year, day.month)[1]


def run(today: datetime.date) -> Counter:
    """Give every active person the reminders due on ``today``; the count of notices given, by subject."""
    given: Counter = Counter()
    if not is_workable_day(today):
        return given  # nobody is reminded on a day off; the next working day counts again
    people = User.objects.filter(is_active=True).select_related("branch")
    left = working_days_left(today, _month_end(today))
    if left <= DAYS_BEFORE:
        for user in people.filter(role__in=FIELD_ROLES):
            given["claim_deadline"] += _claim_deadline(user, today, left)
    for user in people.filter(role__in=(Role.BRANCH_ADMIN, Role.BRANCH_STAFF)):
        for subject, sent in _branch(user, today).items():
            given[subject] += sent
    for user in people.filter(role__in=HQ_ROLES):
        for subject, sent in _headquarters(user, today).items():
            given[subject] += sent
    return given


def _claim_deadline(user: User, today: datetime.date, left: int) -> int:
    appointment = field_appointment(user, today)
    if appointment is None:
        return 0
    month = today.replace(day=1)
    claim = FeeClaim.objects.filter(appointment=appointment, month=month).first()
    if claim is not None and not claim.is_draft:
        return 0
    in_month = Q(visited_on__gte=month, visited_on__lte=today)
    worked = (
        Visit.objects.filter(in_month, appointment=appointment).exists()
        or Enrolment.objects.filter(
            appointment=appointment, enrolled_on__gte=month, enrolled_on__lte=today
        ).exists()
    )
    if not worked:
        return 0  # nothing to claim this month
    deadline = _month_end(today)
    notice = notify(
        user,
        key=f"claim_deadline:{month:%Y-%m}",
        on=today,
        title=f"{month.month}月分の支給申請の提出期限（{wareki.format_date(deadline)}）まで、あと{left}営業日です",
        body="今月の訪問・成立の記録を確かめ、支給申請を作成して提出してください。",
        url=reverse("claim_detail", args=[claim.pk]) if claim else reverse("claim_list"),
    )
    return int(notice is not None)


def _branch(user: User, today: datetime.date) -> Counter:
    given: Counter = Counter()
    months = access.visible(user, FeeClaim.objects.filter(status=ClaimStatus.SUBMITTED)).values_list(
        "month", flat=True
    )
    send_by = [FeeClaim(month=month).send_by for month in months]
    near = sorted({d for d in send_by if working_days_left(today, d) <= DAYS_BEFORE})
    if near:
        count = sum(1 for d in send_by if d in near)
        first = near[0]
        title = (
            f"本部への送付期限（{wareki.format_date(first)}）を過ぎた支給申請があります（{count}件）"
            if first < today
            else f"審査待ちの支給申請が{count}件あります（本部への送付期限 {wareki.format_date(first)}）"
        )
        given["claims_to_send"] += _given(user, today, "claims_to_send", title, reverse("review_list"))
    if today.weekday() == 0:
        koyou = queues.koyou_to_confirm(user, limit=0)  # this queue alone, not the branch's seven
        if koyou.count:
            title = f"雇用保険の手続の確認待ちの成立が{koyou.count}件あります"
            body = "確認するまで成功報酬費は支給されません。"
            given["koyou"] += _given(user, today, "koyou", title, koyou.url, body=body)
    month_start = today.replace(day=1)
    planned = access.visible(
        user,
        CouncilMeeting.objects.filter(
            planned_on__gte=month_start, planned_on__lte=_month_end(today), held_on__isnull=True
        ),
    ).order_by("planned_on")
    if planned:
        names = "、".join(f"{m.get_number_display()}（{wareki.format_date(m.planned_on)}）" for m in planned)
        notice = notify(
            user,
            key=f"councils_due:{month_start:%Y-%m}",
            on=today,
            once=True,
            title=f"今月は労働局との協議会の予定があります：{names}",
            url=reverse("council_list"),
        )
        given["councils_due"] += int(notice is not None)
    if today.month == 8:
        fiscal_year = FiscalYear.for_date(today)
        if not access.visible(
            user, Training.objects.filter(fiscal_year=fiscal_year, held_on__lte=today)
        ).exists():
            notice = notify(
                user,
                key=f"training_missing:{fiscal_year.year}",
                on=today,
                once=True,
                title="今年度の推進員研修がまだ実施されていません",
                body="推進員研修は4月から9月までに実施します。",
                url=reverse("training_list"),
            )
            given["training_missing"] += int(notice is not None)
    return given


def _headquarters(user: User, today: datetime.date) -> Counter:
    given: Counter = Counter()
    for queue in queues.queues_for(user, limit=queues.SHOWN, today=today):
        if not queue.count:
            continue
        if queue.key == "decide":
            title = f"支給決定待ちの支給申請が{queue.count}件あります"
            given["claims_to_decide"] += _given(user, today, "claims_to_decide", title, queue.url)
        elif queue.key == "batches":
            title = f"承認待ちの支払バッチが{queue.count}件あります"
            given["batches_to_approve"] += _given(user, today, "batches_to_approve", title, queue.url)
        elif queue.key == "late":
            body = "\n".join(
                f"{entry.label}（{entry.note}）" if entry.note else entry.label for entry in queue.entries
            )
            title = "期限を過ぎている支部があります"
            given["late_branches"] += _given(user, today, "late_branches", title, queue.url, body=body)
    return given


def _given(user: User, today: datetime.date, key: str, title: str, url: str, body: str = "") -> int:
    return int(notify(user, key=key, on=today, title=title, body=body, url=url) is not None)
