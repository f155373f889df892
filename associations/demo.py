"""Demo associations: each branch's register filled in (representative, approval, membership since
a date), enough non-members for the rate to sit near the business plan's 83.3% (R-ORG-3), a few
that left or closed, consultations and entrusting employers.

Called by ``manage.py seed_demo`` after people.demo (which made each branch's first three, as the
promoters who represent one need them); keyed by name, so running it again adds nothing.
"""

import datetime
import random

from django.db import transaction
from faker import Faker

from associations import services
from associations.models import Consultation, ConsultationKind, EntrustingEmployer
from org import demo
from org.models import Association, Branch, User
from org.roles import Role

PER_BRANCH = 12
NON_MEMBERS = 2  # of PER_BRANCH: 10 of 12 is 83.3%


@transaction.atomic
def seed(*, size: str, seed: int) -> dict:
    hq = User.objects.filter(role=Role.HQ_ADMIN).order_by("pk").first()
    if hq is None:
        return {"事務組合": 0}
    rng = random.Random(seed)
    fake = demo.faker(seed)
    added = 0
    branches = Branch.objects.select_related("prefecture").order_by("prefecture__code")
    for branch in branches:
        existing = list(Association.objects.filter(branch=branch).order_by("pk"))
        members = sum(a.is_member for a in existing)
        for number in range(len(existing) + 1, PER_BRANCH + 1):
            member = members < PER_BRANCH - NON_MEMBERS
            members += member
            existing.append(
                Association.objects.create(
                    branch=branch,
                    name=f"{branch.prefecture.short_name}労働保険事務組合第{number}",
                    is_member=member,
                )
            )
            added += 1
        for association in existing:
            if association.approved_on is None:
                _fill(association, fake, rng, hq)
        if not Consultation.objects.filter(branch=branch).exists():
            _consultations(branch, existing, fake, hq)
    return {"事務組合の追加": added}


def _fill(association: Association, fake: Faker, rng: random.Random, hq: User) -> None:
    """The register's columns and the membership the earlier flag stood for."""
    approved = datetime.date(rng.randint(1975, 2015), 4, 1)
    association.representative = fake.name()
    association.postal_code = fake.zipcode().replace("-", "")
    association.address = association.branch.prefecture.name + fake.city() + fake.town() + fake.chome()
    association.phone = fake.phone_number()
    association.approval_number = f"{association.branch.prefecture.code}-{rng.randint(1, 999):03d}"
    association.approved_on = approved
    association.save()
    # Members since their approval or later; the migration's period (flag only) is replaced.
    if association.is_member:
        association.memberships.all().delete()
        association.is_member = False
        association.save(update_fields=["is_member"])
        joined = approved + datetime.timedelta(days=rng.randint(0, 3650))
        services.membership_join(actor=hq, association=association, joined_on=joined)
    EntrustingEmployer.objects.bulk_create(
        EntrustingEmployer(
            association=association,
            name=fake.company(),
            insurance_number=f"{association.branch.prefecture.code}1{rng.randint(0, 10**11 - 1):011d}",
            entrusted_on=approved + datetime.timedelta(days=rng.randint(0, 4000)),
        )
        for _ in range(rng.randint(3, 12))
    )


def _consultations(branch: Branch, associations: list[Association], fake: Faker, hq: User) -> None:
    non_member = next((a for a in associations if not a.is_member), None)
    Consultation.objects.bulk_create(
        [
            Consultation(
                branch=branch,
                party=f"{fake.company()}（事務組合の設立を検討）",
                kind=ConsultationKind.NEW,
                held_on=datetime.date(2026, 6, 10),
                summary="認可申請の要件と手順の説明",
                outcome="必要書類を案内。次回、申請書案を持参予定。",
                recorded_by=hq,
            ),
            *(
                [
                    Consultation(
                        branch=branch,
                        association=non_member,
                        kind=ConsultationKind.JOINING,
                        held_on=datetime.date(2026, 9, 15),
                        summary="会員制度と労保連労働災害保険の案内",
                        outcome="理事会で検討するとの回答。",
                        recorded_by=hq,
                    )
                ]
                if non_member
                else []
            ),
        ]
    )
