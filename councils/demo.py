"""Demo councils: this year's councils held so far, an outreach plan, and the roster divided and fixed at council ①.

Osaka's council ② is left planned but not held, so the overdue flag shows in the demo after September.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from councils.division import Rules, division_apply, division_fix
from councils.models import CouncilMeeting, MeetingNumber
from councils.services import plan_save
from lib.fiscal import FISCAL_MONTHS
from org.models import Branch, FiscalYear, User
from org.roles import Role
from roster.models import RosterEntry

HELD_ON = {MeetingNumber.FIRST: (4, 20, 0), MeetingNumber.SECOND: (9, 18, 0), MeetingNumber.THIRD: (3, 16, 1)}
LEFT_UNHELD = {("27", MeetingNumber.SECOND)}


@transaction.atomic
def seed(*, size: str, seed: int) -> dict:
    today = timezone.localdate()
    fiscal_year = FiscalYear.for_date(today)
    branches = Branch.objects.filter(
        pk__in=RosterEntry.objects.filter(fiscal_year=fiscal_year).values("business__branch")
    ).exclude(councils__fiscal_year=fiscal_year)
    meetings = fixed = 0
    for branch in branches.select_related("prefecture"):
        actor = (
            User.objects.filter(branch=branch, role=Role.BRANCH_STAFF).order_by("pk").first()
            or User.objects.filter(role=Role.HQ_ADMIN).order_by("pk").get()
        )
        held = {}
        for number, (month, day, offset) in HELD_ON.items():
            date = datetime.date(fiscal_year.year + offset, month, day)
            done = date <= today and (branch.prefecture.code, number) not in LEFT_UNHELD
            held[number] = CouncilMeeting.objects.create(
                branch=branch,
                fiscal_year=fiscal_year,
                number=number,
                planned_on=date,
                held_on=date if done else None,
                venue=f"{branch.prefecture.name}労働局 会議室",
                bureau_members="労働保険徴収部長\n適用主務課長",
                branch_members="支部長\n促進員\n推進員代表",
                agenda="未手続事業名簿の役割分担、加入促進計画、進捗状況",
                minutes="名簿の分担案と加入促進計画を協議した。" if done else "",
                decisions="分担案のとおり決定。" if done else "",
                created_by=actor,
            )
            meetings += 1
        roster_size = RosterEntry.objects.filter(business__branch=branch, fiscal_year=fiscal_year).count()
        visits = max(roster_size * 85 // 100 // 12, 1)
        plan_save(
            actor=actor,
            branch=branch,
            fiscal_year=fiscal_year,
            months={m: (visits, visits * 27 // 100) for m in FISCAL_MONTHS},
            branch_capacity=roster_size * 85 // 100,
            bureau_capacity=roster_size * 20 // 100,
            adopted_at=held[MeetingNumber.FIRST] if held[MeetingNumber.FIRST].held_on else None,
        )
        division_apply(actor=actor, branch=branch, fiscal_year=fiscal_year, rules=Rules(min_workers=50))
        if held[MeetingNumber.FIRST].held_on:
            fixed += division_fix(
                actor=actor, branch=branch, fiscal_year=fiscal_year, meeting=held[MeetingNumber.FIRST]
            )
    return {"協議会の追加": meetings, "確定した役割分担": fixed}
