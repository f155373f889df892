"""Fee claims (the promoter submits their own) and payment batches (HQ)."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import ModelSchema, Query, Router, Schema

from api.common import (
    ERRORS,
    FIELD,
    HQ,
    READERS,
    Id,
    PageOut,
    PageQuery,
    listing,
    require,
)
from org import access
from org.models import User
from payments import services as payment_services
from payments.models import FeeClaim, PaymentBatch

router = Router(tags=["支給申請・支払"])


class ClaimOut(ModelSchema):
    class Meta:
        model = FeeClaim
        fields = ["id", "appointment", "month", "status", "submitted_at", "sent_at", "updated_at"]


class ClaimPage(PageOut):
    items: list[ClaimOut]


@router.get("/claims", response={200: ClaimPage, **ERRORS}, summary="加入勧奨推進費の支給申請")
def claims(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """A promoter's token lists their own claims; branch staff their branch's."""
    return listing(request, READERS | FIELD, FeeClaim.objects.all(), query)


class ClaimLineOut(Schema):
    id: int
    kind: str
    kind_label: str
    business_id: int
    business_name: str
    day: datetime.date
    description: str
    amount: int  # 税込・円
    tax: int  # うち消費税・円
    reasons: list[str]  # 対象外の理由
    branch_decision: str
    branch_reason: str
    hq_decision: str
    hq_reason: str


class ClaimDetail(Schema):
    id: int
    appointment: int
    month: datetime.date
    status: str
    status_label: str
    submitted_at: datetime.datetime | None
    sent_at: datetime.datetime | None
    updated_at: datetime.datetime
    total: int
    tax: int
    lines: list[ClaimLineOut]


def _claim(user: User, claim_id: int) -> dict[str, Any]:
    claim = access.get_for_user(user, FeeClaim.objects.select_related("appointment__person"), claim_id)
    lines = list(claim.lines.select_related("business").order_by("day", "pk"))
    return {
        "id": claim.pk,
        "appointment": claim.appointment_id,
        "month": claim.month,
        "status": claim.status,
        "status_label": claim.get_status_display(),
        "submitted_at": claim.submitted_at,
        "sent_at": claim.sent_at,
        "updated_at": claim.updated_at,
        "total": sum(line.amount for line in lines),
        "tax": sum(line.tax for line in lines),
        "lines": [
            {
                **{name: getattr(line, name) for name in ClaimLineOut.model_fields if hasattr(line, name)},
                "kind_label": line.get_kind_display(),
                "business_name": line.business.name,
            }
            for line in lines
        ],
    }


@router.get("/claims/{claim_id}", response={200: ClaimDetail, **ERRORS}, summary="支給申請1件（明細つき）")
def claim(request: HttpRequest, claim_id: Id) -> dict[str, Any]:
    """The claim with its lines, amounts in whole yen with the tax part, and each line's review."""
    return _claim(require(request, READERS | FIELD), claim_id)


@router.post(
    "/claims/{claim_id}/submit", response={200: ClaimDetail, **ERRORS}, summary="支給申請の提出（本人）"
)
def claim_submit(request: HttpRequest, claim_id: Id) -> dict[str, Any]:
    """The promoter submits their own month's claim to the branch, as the claim page does: the draft
    is rebuilt from the latest records first, and if that changed it, the claim is not submitted
    (422) so that the promoter sees the new amounts before submitting again (D-2)."""
    user = require(request, FIELD)
    found = access.get_for_user(user, FeeClaim.objects.select_related("appointment__person"), claim_id)
    payment_services.claim_submit(actor=user, claim=found)
    return _claim(user, claim_id)


class BatchOut(ModelSchema):
    class Meta:
        model = PaymentBatch
        fields = [
            "id",
            "fiscal_year",
            "quarter",
            "transfer_date",
            "status",
            "approved_at",
            "confirmed_at",
            "updated_at",
        ]


class BatchPage(PageOut):
    items: list[BatchOut]


@router.get("/payment-batches", response={200: BatchPage, **ERRORS}, summary="支払バッチ（本部）")
def payment_batches(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return listing(request, HQ, PaymentBatch.objects.all(), query)
