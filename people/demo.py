"""Demo people: every demo and generated coordinator and promoter gets a person record, an active
appointment for the current fiscal year with its pledge, and a bank account that passes the checks.

Called by ``manage.py seed_demo`` after org.demo; keyed by user, so running it again adds nothing.
"""

import datetime
import random

import polars as pl
from django.db import transaction
from django.utils import timezone
from zengin_code import Bank

from lib import normalize, zengin
from org import demo
from org.models import Association, Branch, FiscalYear, User
from org.roles import Role
from people.models import Appointment, AppointmentRole, AppointmentStatus, BankAccount, Person, WorkDay
from people.rules import is_workable_day
from people.services import terms_for

APPOINTED_ROLES = {
    Role.BRANCH_STAFF: AppointmentRole.COORDINATOR,
    Role.PROMOTER: AppointmentRole.PROMOTER,
    Role.INSTRUCTOR: AppointmentRole.INSTRUCTOR,
    Role.LECTURER: AppointmentRole.LECTURER,
}
# Banks many payees use; a random branch of each is drawn from the Zengin data.
DEMO_BANKS = ["0001", "0005", "0009", "0010", "9900"]
ASSOCIATIONS_PER_BRANCH = 3


def _associations(branches: list[Branch]) -> dict[int, list[Association]]:
    for branch in branches:
        for number in range(1, ASSOCIATIONS_PER_BRANCH + 1):
            Association.objects.get_or_create(
                branch=branch,
                name=f"{branch.prefecture.short_name}労働保険事務組合第{number}",
                defaults={"name_kana": "", "is_member": number != ASSOCIATIONS_PER_BRANCH},
            )
    result: dict[int, list[Association]] = {}
    for association in Association.objects.filter(branch__in=branches):
        result.setdefault(association.branch_id, []).append(association)
    return result


def _bank_account(person: Person, rng: random.Random) -> BankAccount:
    bank = Bank.all[rng.choice(DEMO_BANKS)]
    branch = bank.branches[rng.choice(sorted(bank.branches))]
    return BankAccount(
        person=person,
        bank_code=bank.code,
        bank_name=bank.name,
        branch_code=branch.code,
        branch_name=branch.name,
        account_number=f"{rng.randrange(10**7):07d}",
        holder_kana=zengin.to_transfer_kana(person.full_name_kana),
    )


def _work_days(appointments: list[Appointment], today: datetime.date, rng: random.Random) -> list[WorkDay]:
    """About twelve working days in every month of the year so far, for each coordinator; the past
    months confirmed by a branch colleague (D-7), this month's still waiting for it."""
    confirmers = {
        u.branch_id: u
        for u in User.objects.filter(role__in=[Role.BRANCH_ADMIN, Role.BRANCH_STAFF]).order_by("-pk")
    }
    now = timezone.now()
    rows = []
    for appointment in appointments:
        confirmer = confirmers.get(appointment.branch_id)
        limit = terms_for(appointment.fiscal_year).monthly_day_limit
        day, month_days = appointment.term_start, dict[tuple[int, int], int]()
        while day < today:
            key = (day.year, day.month)
            if is_workable_day(day) and month_days.get(key, 0) < limit and rng.random() < 0.6:
                month_days[key] = month_days.get(key, 0) + 1
                past = (
                    day < today.replace(day=1)
                    and confirmer is not None
                    and confirmer != appointment.person.user
                )
                rows.append(
                    WorkDay(
                        appointment=appointment,
                        day=day,
                        recorded_by=appointment.requested_by,
                        confirmed_by=confirmer if past else None,
                        confirmed_at=now if past else None,
                    )
                )
            day += datetime.timedelta(days=1)
    return rows


@transaction.atomic
def seed(*, size: str, seed: int) -> dict:
    today = timezone.localdate()
    fiscal_year = FiscalYear.for_date(today)
    rng = random.Random(seed)
    fake = demo.faker(seed)
    users = list(
        User.objects.filter(role__in=list(APPOINTED_ROLES), person__isnull=True, branch__isnull=False)
        .select_related("branch__prefecture")
        .order_by("username")
    )
    if not users:
        return {"人員の追加": 0, "委嘱の追加": 0}
    branches = sorted({u.branch for u in users if u.branch is not None}, key=lambda b: b.prefecture.code)
    associations = _associations(branches)
    # Appointments are decided by HQ; the demo's HQ administrator stands in for that decision.
    hq = User.objects.filter(role=Role.HQ_ADMIN).order_by("pk").first() or users[0]

    people = []
    for user in users:
        kana = user.full_name_kana or f"{fake.last_kana_name()} {fake.first_kana_name()}"
        person = Person(
            branch=user.branch,
            user=user,
            full_name=user.full_name,
            full_name_kana=kana.replace(" ", "　"),
            birth_date=fake.date_of_birth(minimum_age=35, maximum_age=75),
            postal_code=fake.zipcode().replace("-", ""),
            prefecture=user.branch.prefecture,  # type: ignore[union-attr]  # branch users only (query above)
            city=fake.city(),
            town=fake.town(),
            address_line=fake.chome() + fake.ban() + fake.gou(),
            phone=fake.phone_number(),
        )
        # About one promoter in five represents an affairs association (R-PPL-7).
        if user.role == Role.PROMOTER and rng.random() < 0.2:
            person.association = rng.choice(associations[user.branch_id])  # type: ignore[index]
        people.append(person)
    # Folded in one pass (bulk_create does not call Person.save).
    names = pl.DataFrame({"n": [p.full_name for p in people], "k": [p.full_name_kana for p in people]})
    texts = names.select(normalize.search_texts(pl.col("n"), pl.col("k")))
    for person, text in zip(people, texts.to_series(), strict=True):
        person.search_text = text
    Person.objects.bulk_create(people, batch_size=1000)
    BankAccount.objects.bulk_create([_bank_account(p, rng) for p in people], batch_size=1000)

    representative_named = set(
        Appointment.objects.filter(fiscal_year=fiscal_year, is_representative=True).values_list(
            "branch_id", flat=True
        )
    )
    appointments = []
    for person in people:
        role = APPOINTED_ROLES[Role(person.user.role)]  # type: ignore[union-attr]  # made for users above
        is_representative = (
            role == AppointmentRole.COORDINATOR and person.branch_id not in representative_named
        )
        if is_representative:
            representative_named.add(person.branch_id)
        appointments.append(
            Appointment(
                person=person,
                branch=person.branch,
                fiscal_year=fiscal_year,
                role=role,
                status=AppointmentStatus.ACTIVE,
                has_expertise=True,
                declared_no_violation=True,
                pledge_signed_on=fiscal_year.start - datetime.timedelta(days=10),
                appointed_on=fiscal_year.start,
                is_representative=is_representative,
                requested_by=hq,
                decided_by=hq,
            )
        )
    Appointment.objects.bulk_create(appointments, batch_size=1000)
    coordinators = [a for a in appointments if a.role == AppointmentRole.COORDINATOR]
    WorkDay.objects.bulk_create(_work_days(coordinators, today, rng), batch_size=2000)
    return {"人員の追加": len(people), "委嘱の追加": len(appointments)}
