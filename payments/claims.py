"""Which of a promoter's records earn a fee, and why the others do not (R-FEE-1, R-FEE-2, R-VIS-2, R-ENR-2 … R-ENR-4).

Plain functions over plain records, so each rule is tested line by line without a database; the
monthly claim (支給申請書) is assembled from these lines.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from fieldwork.models import (
    KOYOU_KINDS,
    ROUSAI_KINDS,
    EnrolmentKind,
    Evidence,
    EvidenceKind,
    Method,
    required_evidence,
)
from payments.models import FeeRules

VISIT_FEE, SUCCESS_FEE = "visit_fee", "success_fee"
LINE_KINDS = {VISIT_FEE: "調査説明費", SUCCESS_FEE: "成功報酬費"}


@dataclass(frozen=True)
class VisitRecord:
    pk: int
    business_id: int
    day: datetime.date
    method: str
    appointment_id: int = 0


@dataclass(frozen=True)
class EnrolmentRecord:
    pk: int
    business_id: int
    day: datetime.date
    kind: str
    bureau_guidance: bool = False
    ex_officio: bool = False
    missing_evidence: tuple[str, ...] = ()
    koyou_unconfirmed: bool = False
    appointment_id: int = 0


@dataclass
class Line:
    kind: str
    source_pk: int
    business_id: int
    day: datetime.date
    description: str
    amount: int = 0  # tax included, whole yen; 0 when not payable
    tax: int = 0
    reasons: list[str] = field(default_factory=list)  # why not payable; empty when payable

    @property
    def payable(self) -> bool:
        return not self.reasons


def visit_lines(rules: FeeRules, visits: list[VisitRecord], paid_before: Counter) -> list[Line]:
    """A visit fee for each paid contact, at most ``rules.paid_visits_per_business`` per business
    over its life, counting the visits paid or claimed before (``paid_before``: business → count)."""
    counted = Counter(paid_before)
    lines = []
    for visit in sorted(visits, key=lambda v: (v.day, v.pk)):
        line = Line(VISIT_FEE, visit.pk, visit.business_id, visit.day, Method(visit.method).label)
        if not rules.pays_visit(visit.method):
            line.reasons.append(f"{Method(visit.method).label}は調査説明費の対象外です（直接訪問のみ）。")
        elif counted[visit.business_id] >= rules.paid_visits_per_business:
            line.reasons.append(
                f"この事業所の調査説明費は{rules.paid_visits_per_business}回まで（既に{counted[visit.business_id]}回）です。"
            )
        else:
            counted[visit.business_id] += 1
            line.amount, line.tax = rules.visit_fee, rules.tax(rules.visit_fee)
        lines.append(line)
    return lines


def insurances(kind: str) -> set[str]:
    covered = set()
    if kind in ROUSAI_KINDS:
        covered.add("rousai")
    if kind in KOYOU_KINDS:
        covered.add("koyou")
    return covered


def success_lines(rules: FeeRules, enrolments: list[EnrolmentRecord], paid_before: set) -> list[Line]:
    """A success fee for each enrolment that meets R-ENR-2 … R-ENR-4, once per business and insurance
    (``paid_before``: (business, insurance) pairs already paid or claimed)."""
    paid = set(paid_before)
    lines = []
    for enrolment in sorted(enrolments, key=lambda e: (e.day, e.pk)):
        kind = EnrolmentKind(enrolment.kind)
        line = Line(SUCCESS_FEE, enrolment.pk, enrolment.business_id, enrolment.day, kind.label)
        if enrolment.bureau_guidance:
            line.reasons.append("労働局の手続指導による成立は成功報酬費の対象外です。")
        if enrolment.ex_officio:
            line.reasons.append("職権成立は成功報酬費の対象外です。")
        if enrolment.missing_evidence:
            line.reasons.append(f"証拠書類が不足しています：{'、'.join(enrolment.missing_evidence)}。")
        if enrolment.koyou_unconfirmed:
            line.reasons.append("雇用保険の手続が支部で確認されていません。")
        covered = {(enrolment.business_id, insurance) for insurance in insurances(kind)}
        if covered & paid:
            line.reasons.append("この事業所・保険の成功報酬費は既に支給（申請）済みです。")
        if line.payable:
            paid |= covered
            fee = rules.success_fee(kind)
            line.amount, line.tax = fee, rules.tax(fee)
        lines.append(line)
    return lines


def visit_records(visits) -> list[VisitRecord]:
    # Plain values, not model instances: a national month holds over 100,000 visits.
    fields = ("pk", "business_id", "visited_on", "method", "appointment_id")
    return [VisitRecord(*row) for row in visits.order_by().values_list(*fields)]


def enrolment_records(enrolments) -> list[EnrolmentRecord]:
    present = defaultdict(set)
    for enrolment_id, kind in Evidence.objects.filter(enrolment__in=enrolments.values("pk")).values_list(
        "enrolment_id", "kind"
    ):
        present[enrolment_id].add(kind)
    fields = (
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
    )
    result = []
    for (
        pk,
        business,
        day,
        kind,
        guidance,
        ex_officio,
        koyou,
        online,
        confirmed,
        appointment,
    ) in enrolments.order_by().values_list(*fields):
        missing = tuple(
            EvidenceKind(required).label
            for required in required_evidence(koyou, online)
            if required not in present[pk]
        )
        # R-ENR-3: employment insurance is confirmed by the branch before a success fee.
        unconfirmed = koyou and confirmed is None
        result.append(
            EnrolmentRecord(pk, business, day, kind, guidance, ex_officio, missing, unconfirmed, appointment)
        )
    return result
