"""Which of a promoter's records earn a fee, and why the others do not (R-FEE-1, R-FEE-2, R-VIS-2, R-ENR-2 … R-ENR-4).

The rules are plain functions over plain records (VisitRecord, EnrolmentRecord), each tested line
by line without a database; only the readers that turn query sets into those records
(``visit_records``, ``enrolment_records`` and their helpers) touch the database. The monthly
claim (支給申請書) is assembled from the lines.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from fieldwork.models import (
    KOYOU_KINDS,
    ROUSAI_KINDS,
    EnrolmentKind,
    Evidence,
    EvidenceKind,
    Method,
    Outcome,
    Visit,
    required_evidence,
)
from lib import wareki
from payments.models import CapScope, FeeRules

VISIT_FEE, SUCCESS_FEE = "visit_fee", "success_fee"
LINE_KINDS = {VISIT_FEE: "調査説明費", SUCCESS_FEE: "成功報酬費"}


class VisitRecord(NamedTuple):
    """A visit as the fee rules see it (a tuple: a national year reads over 100,000 of them)."""

    pk: int
    business_id: int
    day: datetime.date
    method: str
    appointment_id: int = 0
    absent: bool = False  # nobody was met (不在)

    @property
    def order(self) -> tuple:
        """D-2: visits take the paid slots by visit date, then by time of recording — the id, which
        the database hands out in the order visits are recorded (reading it is cheaper than the
        recording time's timestamp, for every visit of a national year)."""
        return (self.day, self.pk)


class EnrolmentRecord(NamedTuple):
    """An enrolment as the fee rules see it, with what it lacks (a tuple: read by the thousand)."""

    pk: int
    business_id: int
    day: datetime.date
    kind: str
    bureau_guidance: bool = False
    ex_officio: bool = False
    missing_evidence: tuple[str, ...] = ()
    koyou_unconfirmed: bool = False
    appointment_id: int = 0
    # D-4: the credited person visited the business directly, in the same or the previous fiscal
    # year, on or before the enrolment date.
    credited_person_visited: bool = True
    person_id: int = 0  # the credited person: their appointment of the claim's year claims it (D-5)


@dataclass
class Line:
    kind: str
    source_pk: int
    business_id: int
    day: datetime.date
    description: str
    rules: FeeRules | None = None  # the rules the line was valued at: its record's fiscal year
    amount: int = 0  # tax included, whole yen; 0 when not payable
    tax: int = 0
    reasons: list[str] = field(default_factory=list)  # why not payable; empty when payable

    @property
    def payable(self) -> bool:
        return not self.reasons


def visit_lines(
    rules: FeeRules, visits: list[VisitRecord], held: Mapping[int, list[datetime.date]]
) -> list[Line]:
    """A visit fee for each paid contact (R-FEE-1, R-VIS-2), under the decisions D-1 … D-3.

    ``visits`` are every visit not yet held in a submitted claim, of everyone, to the businesses
    concerned, within the cap's scope (D-1: the fiscal year, or the business's life) up to the
    claim's month; ``held`` gives, per business, the days of the visits whose lines were submitted
    (or decided, or paid) within that scope: they keep their slots and their amounts (D-2). The
    remaining slots go to the earliest visits (D-2: by visit date, never by who built a claim
    first), so the same lines come out whatever order claims are built in. A visit that would
    take a submitted line's slot by date is refused with both visits named for the branch (D-2).
    """
    cap = rules.paid_visits_per_business
    counted = Counter({business: len(days) for business, days in held.items()})
    lines = []
    for visit in sorted(visits, key=lambda v: v.order):
        line = Line(VISIT_FEE, visit.pk, visit.business_id, visit.day, Method(visit.method).label, rules)
        if not rules.pays_visit(visit.method):
            line.reasons.append(f"{Method(visit.method).label}は調査説明費の対象外です（直接訪問のみ）。")
        elif visit.absent and not rules.pays_absent_visits:
            line.reasons.append("不在（面談できず）の訪問は、説明をしていないため調査説明費の対象外です。")
        elif counted[visit.business_id] >= cap:
            line.reasons.append(
                f"この事業所の調査説明費は{rules.cap_label}まで（既に{counted[visit.business_id]}回）です。"
            )
            later = [day for day in held.get(visit.business_id, ()) if day > visit.day]
            if later:
                line.reasons.append(
                    f"提出済みの明細（{wareki.format_date(max(later))}の訪問）より前の訪問です。"
                    "どちらに支給するかは支部が審査で判断します。"
                )
        else:
            counted[visit.business_id] += 1
            line.amount, line.tax = rules.visit_fee, rules.tax(rules.visit_fee)
        lines.append(line)
    return lines


def cap_scope_start(rules: FeeRules, day: datetime.date) -> datetime.date | None:
    """The first day the cap counts from for a visit on ``day`` (D-1); None: the business's whole life."""
    if rules.visit_cap_scope == CapScope.LIFETIME:
        return None
    return datetime.date(wareki.fiscal_year_of(day), 4, 1)


def insurances(kind: str) -> set[str]:
    covered = set()
    if kind in ROUSAI_KINDS:
        covered.add("rousai")
    if kind in KOYOU_KINDS:
        covered.add("koyou")
    return covered


def success_lines(
    rules_by_year: Mapping[int, FeeRules], enrolments: list[EnrolmentRecord], paid_before: set
) -> list[Line]:
    """A success fee for each enrolment that meets R-ENR-2 … R-ENR-4 and D-4, once per business and
    insurance (``paid_before``: (business, insurance) pairs already paid or claimed), at the rates
    of the enrolment's own fiscal year (D-5: also when it becomes payable after 31 March)."""
    paid = set(paid_before)
    lines = []
    for enrolment in sorted(enrolments, key=lambda e: (e.day, e.pk)):
        kind = EnrolmentKind(enrolment.kind)
        year = wareki.fiscal_year_of(enrolment.day)
        rules = rules_by_year.get(year)
        line = Line(SUCCESS_FEE, enrolment.pk, enrolment.business_id, enrolment.day, kind.label, rules)
        if rules is None:
            line.reasons.append(
                f"{wareki.fiscal_year_label(year)}の支給基準が設定されていません（本部が設定します）。"
            )
        if enrolment.bureau_guidance:
            line.reasons.append("労働局の手続指導による成立は成功報酬費の対象外です。")
        if enrolment.ex_officio:
            line.reasons.append("職権成立は成功報酬費の対象外です。")
        if not enrolment.credited_person_visited:
            line.reasons.append(
                "成立日以前（前年度以降）に、この推進員・指導員がこの事業所を直接訪問した記録がありません。"
            )
        if enrolment.missing_evidence:
            line.reasons.append(f"証拠書類が不足しています：{'、'.join(enrolment.missing_evidence)}。")
        if enrolment.koyou_unconfirmed:
            line.reasons.append("雇用保険の手続が支部で確認されていません。")
        covered = {(enrolment.business_id, insurance) for insurance in insurances(kind)}
        if covered & paid:
            line.reasons.append("この事業所・保険の成功報酬費は既に支給（申請）済みです。")
        if line.payable and rules is not None:
            paid |= covered
            fee = rules.success_fee(kind)
            line.amount, line.tax = fee, rules.tax(fee)
        lines.append(line)
    return lines


def visit_records(visits) -> list[VisitRecord]:
    # Plain values, not model instances: a national month holds over 100,000 visits.
    fields = ("pk", "business_id", "visited_on", "method", "appointment_id", "outcome")
    return [
        VisitRecord(pk, business, day, method, appointment, outcome == Outcome.ABSENT)
        for pk, business, day, method, appointment, outcome in visits.order_by().values_list(*fields)
    ]


def _direct_visits_by_person(businesses) -> dict[tuple[int, int], list[datetime.date]]:
    """(business, person) → the days that person visited it directly, alone or accompanying (D-4)."""
    days = defaultdict(list)
    rows = (
        Visit.objects.filter(business__in=businesses, method=Method.DIRECT)
        .order_by()
        .values_list("business", "appointment__person", "companion__person", "visited_on")
    )
    for business, person, companion, day in rows:
        days[(business, person)].append(day)
        if companion is not None:
            days[(business, companion)].append(day)
    return days


def visited_before(days: list[datetime.date], enrolled_on: datetime.date) -> bool:
    """D-4: a direct visit on or before the enrolment date, in its fiscal year or the one before."""
    since = datetime.date(wareki.fiscal_year_of(enrolled_on) - 1, 4, 1)
    return any(since <= day <= enrolled_on for day in days)


EVIDENCE_LABELS = {kind.value: kind.label for kind in EvidenceKind}
ENROLMENT_FIELDS = (
    "pk",
    "business_id",
    "enrolled_on",
    "kind",
    "bureau_guidance",
    "ex_officio",
    "covers_koyou",
    "filed_electronically",
    "koyou_confirmed_at",
    "appointment_id",
    "appointment__person_id",
)


def enrolment_records(enrolments) -> list[EnrolmentRecord]:
    """Plain records of ``enrolments`` with what each lacks for a success fee; their evidence and their
    businesses' visits are read by subquery (a list of a few thousand ids is slower to send)."""
    rows = list(enrolments.order_by().values_list(*ENROLMENT_FIELDS))
    present = defaultdict(set)
    for enrolment_id, kind in Evidence.objects.filter(enrolment__in=enrolments.values("pk")).values_list(
        "enrolment_id", "kind"
    ):
        present[enrolment_id].add(kind)
    visits = _direct_visits_by_person(enrolments.values("business"))
    result = []
    for pk, business, day, kind, guidance, ex_officio, koyou, online, confirmed, appointment, person in rows:
        missing = tuple(
            EVIDENCE_LABELS[required]
            for required in required_evidence(koyou, online)
            if required not in present[pk]
        )
        # R-ENR-3: employment insurance is confirmed by the branch before a success fee.
        unconfirmed = koyou and confirmed is None
        visited = visited_before(visits.get((business, person), []), day)
        result.append(
            EnrolmentRecord(
                pk,
                business,
                day,
                kind,
                guidance,
                ex_officio,
                missing,
                unconfirmed,
                appointment,
                visited,
                person,
            )
        )
    return result
