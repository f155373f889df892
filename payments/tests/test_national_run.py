"""The month-end run: every promoter's claim for the month prepared at once (R-FEE-1, R-FEE-2, R-FEE-4)."""

import datetime
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conftest import make_appointment, make_business, make_person
from fieldwork.models import Visit
from payments.models import ClaimStatus, FeeClaim

JUNE = datetime.date(2011, 6, 1)


def _visit(appointment, business, day):
    return Visit.objects.create(
        business=business,
        appointment=appointment,
        visited_on=datetime.date(2011, 6, day),
        method="direct",
        outcome="explained",
        client_key=uuid.uuid4(),
        recorded_by=appointment.person.user,
    )


@pytest.fixture
def promoters(people, tokyo, osaka):
    return {
        name: make_appointment(make_person(branch, f"推進 {name}", user=user), status="active", year=2011)
        for name, branch, user in [
            ("alice", tokyo, people["tokyo_promoter"]),
            ("bob", tokyo, people["tokyo_instructor"]),
            ("carol", osaka, people["osaka_staff"]),
        ]
    }


def _run(*args) -> str:
    out = StringIO()
    call_command("assemble_claims", *args, stdout=out)
    return out.getvalue()


def test_the_cap_of_two_paid_visits_counts_across_people_in_date_order_R_FEE_1(promoters, tokyo, osaka):
    shared = make_business(tokyo, "引継商事", year=2011)
    _visit(promoters["alice"], shared, 1)
    _visit(promoters["bob"], shared, 3)
    late = _visit(promoters["alice"], shared, 5)
    _visit(promoters["carol"], make_business(osaka, "大阪商事", year=2011, address="大阪府大阪市北区1-1"), 2)
    assert "平成23年6月分の支給申請書を 3 件作成しました。" in _run("2011-06")
    claims = {c.appointment.person.full_name: c for c in FeeClaim.objects.filter(month=JUNE)}
    assert {name: claim.total for name, claim in claims.items()} == {
        "推進 alice": 1260,
        "推進 bob": 1260,
        "推進 carol": 1260,
    }
    refused = claims["推進 alice"].lines.get(visit=late)
    assert refused.amount == 0 and "2回まで（既に2回）" in refused.reasons[0]
    # Run again: drafts are rebuilt, never doubled.
    _run("2011-06")
    assert FeeClaim.objects.filter(month=JUNE).count() == 3
    assert sum(c.total for c in FeeClaim.objects.filter(month=JUNE)) == 3780


def test_one_branch_only_and_a_submitted_claim_is_left_alone(promoters, tokyo, osaka):
    _visit(promoters["alice"], make_business(tokyo, "東京商事", year=2011), 1)
    _visit(promoters["carol"], make_business(osaka, "大阪商事", year=2011, address="大阪府大阪市北区1-1"), 2)
    assert "1 件作成しました" in _run("2011-06", "--branch", "13")
    claim = FeeClaim.objects.get()
    assert claim.appointment == promoters["alice"]
    FeeClaim.objects.filter(pk=claim.pk).update(status=ClaimStatus.SUBMITTED)
    _visit(promoters["alice"], make_business(tokyo, "追加商事", year=2011), 20)
    _run("2011-06")
    claim.refresh_from_db()
    assert claim.lines.count() == 1  # the submitted claim keeps what was submitted
    assert FeeClaim.objects.filter(appointment=promoters["carol"]).count() == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["2011-13"], "対象月「2011-13」は YYYY-MM の形で指定してください。"),
        (["2011-06", "--branch", "99"], "支部「99」が見つかりません。"),
        (["2012-06"], "支給基準が設定されていません"),
    ],
)
def test_bad_arguments_are_refused_in_japanese(db, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)
