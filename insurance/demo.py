"""Demo insurance business: about half of each branch's members registered as agents with a
licensed person or two, premium income for every month of the last fiscal year and this one so far
(near the plan's pace), this year's checklist and one audit under way.

Called by ``manage.py seed_demo`` after associations.demo; its agents are drawn once, so running it
again adds nothing.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from insurance.models import Agent, AgentAudit, ChecklistItem, LicensedStaff, PremiumIncome
from lib import fiscal
from org import demo
from org.models import Association, AssociationStatus, FiscalYear, User
from org.roles import Role

CHECKLIST = [
    "保険料の収納・送金を期限内に行っているか",
    "保険募集人の登録は最新か（退職者の抹消を含む）",
    "重要事項の説明と申込書の控えの交付を行っているか",
    "契約者の個人情報を施錠できる場所に保管しているか",
]
# The plan's 10億円 a year spread over the agents of 47 branches: about 3.5 million yen a month each.
MONTHLY = 3_500_000


@transaction.atomic
def seed(*, size: str, seed: int) -> dict:
    hq = User.objects.filter(role=Role.HQ_ADMIN).order_by("pk").first()
    if hq is None:
        return {"代理店の追加": 0}
    rng = random.Random(seed)
    fake = demo.faker(seed)
    today = timezone.localdate()
    current = FiscalYear.for_date(today)
    for number, text in enumerate(CHECKLIST, start=1):
        ChecklistItem.objects.get_or_create(fiscal_year=current, number=number, defaults={"text": text})
    if Agent.objects.exists():  # the demo's agents are drawn once
        return {"代理店の追加": 0}
    members = Association.objects.filter(
        is_member=True, status=AssociationStatus.ACTIVE, agent__isnull=True
    ).select_related("branch__prefecture")
    added = []
    for association in members.order_by("pk"):
        if rng.random() < 0.5:
            continue
        agent = Agent.objects.create(
            association=association,
            code=f"A{association.branch.prefecture.code}{association.pk:05d}",
            registered_on=datetime.date(rng.randint(2000, 2020), 4, 1),
        )
        LicensedStaff.objects.bulk_create(
            LicensedStaff(agent=agent, name=fake.name(), registered_on=agent.registered_on)
            for _ in range(rng.randint(1, 2))
        )
        added.append(agent)
    PremiumIncome.objects.bulk_create(
        [
            PremiumIncome(
                agent=agent,
                month=month,
                amount=rng.randint(MONTHLY // 2, MONTHLY * 3 // 2) // 100 * 100,
                entered_by=hq,
            )
            for agent in added
            for month in _months(current, today)
        ],
        ignore_conflicts=True,
    )
    if added and not AgentAudit.objects.filter(fiscal_year=current).exists():
        AgentAudit.objects.create(
            agent=added[0],
            fiscal_year=current,
            sent_on=current.start + datetime.timedelta(days=90),
            answer_due=current.start + datetime.timedelta(days=120),
            created_by=hq,
        )
    return {"代理店の追加": len(added)}


def _months(current: FiscalYear, today: datetime.date) -> list[datetime.date]:
    """Every month of last year, and this year's months before the current one (statements come after)."""
    months = []
    for year in (current.year - 1, current.year):
        for month in fiscal.FISCAL_MONTHS:
            day = datetime.date(year + (month < 4), month, 1)
            if day < today.replace(day=1):
                months.append(day)
    return months
