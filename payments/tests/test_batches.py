"""Quarterly payment batches (R-FEE-6): each line paid once, a second approver, the transfer file."""

import datetime
import io
import re
import threading
import uuid

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from audit.models import AuditEntry
from conftest import login, make_appointment, make_business, make_person, make_user
from fieldwork.models import Visit
from org.models import FiscalYear
from org.roles import Role
from payments import batches, documents
from payments.models import (
    BatchStatus,
    ClaimLine,
    ClaimStatus,
    CoordinatorPay,
    Decision,
    FeeClaim,
    FeeRules,
    PaymentBatch,
)
from people.models import Appointment, BankAccount, WorkDay
from people.services import clean_bank_account, work_days_confirm


@pytest.fixture
def payers(db):
    return (
        make_user("payer_one", Role.HQ_STAFF, can_pay=True),
        make_user("payer_two", Role.HQ_STAFF, can_pay=True),
    )


@pytest.fixture
def decided(tokyo, people, tmp_path, monkeypatch):
    """Two promoters' June 2011 lines decided by HQ, and a coordinator's working days in May."""
    monkeypatch.setattr(batches, "TRANSFER_DIR", tmp_path / "transfers")
    rules = FeeRules.objects.get(fiscal_year__year=2011)
    lines = []
    for n, kana in enumerate(["ﾔﾏﾀﾞ ﾀﾛｳ", "ｻﾄｳ ﾊﾅｺ"]):
        appointment = make_appointment(make_person(tokyo, f"推進 {n}"), status="active", year=2011)
        # Stored as the account form stores it: the bank's and branch's names in kanji.
        BankAccount.objects.create(
            person=appointment.person,
            **clean_bank_account(
                bank_code="0005",
                branch_code="123",
                account_type="1",
                account_number=f"{n + 1}",
                holder_name=kana,
            ),
        )
        claim = FeeClaim.objects.create(
            appointment=appointment, month=datetime.date(2011, 6, 1), rules=rules, status=ClaimStatus.DECIDED
        )
        business = make_business(tokyo, f"支払商事{n}", year=2011)
        for day in (3, 10):
            visit = Visit.objects.create(
                business=business,
                appointment=appointment,
                visited_on=datetime.date(2011, 6, day),
                outcome="explained",
                client_key=uuid.uuid4(),
                recorded_by=people["tokyo_staff"],
            )
            lines.append(
                ClaimLine.objects.create(
                    claim=claim,
                    kind="visit_fee",
                    business=business,
                    visit=visit,
                    day=visit.visited_on,
                    description="直接訪問",
                    amount=1260,
                    tax=60,
                    branch_decision=Decision.ACCEPTED,
                    hq_decision=Decision.ACCEPTED,
                )
            )
    coordinator = make_appointment(
        make_person(tokyo, "促進 花子"), role="coordinator", status="active", year=2011
    )
    BankAccount.objects.create(
        person=coordinator.person,
        **clean_bank_account(
            bank_code="0001",
            branch_code="001",
            account_type="1",
            account_number="7777777",
            holder_name="ソクシン ハナコ",
        ),
    )
    for day in (9, 10, 11):
        WorkDay.objects.create(
            appointment=coordinator, day=datetime.date(2011, 5, day), recorded_by=people["tokyo_staff"]
        )
    work_days_confirm(actor=people["tokyo_admin"], appointment=coordinator, month=datetime.date(2011, 5, 1))
    return lines


def _create(payer):
    return batches.batch_create(
        actor=payer,
        fiscal_year=FiscalYear.objects.get(year=2011),
        quarter=1,
        transfer_date=datetime.date(2011, 7, 15),
    )


def test_a_batch_gathers_decided_lines_and_coordinators_pay_with_totals_per_account(payers, decided):
    batch = _create(payers[0])
    assert batch.lines.count() == 4
    pay = CoordinatorPay.objects.get()
    assert (pay.days, pay.daily_rate, pay.amount) == (3, 9200, 27600)  # R-PPL-3
    rows = {(r["code"], r["branch"]): r for r in batches.totals(batch)}
    assert (rows[("A1", "東京支部")]["amount"], rows[("A1", "東京支部")]["tax"]) == (5040, 240)
    assert rows[("B1", "東京支部")]["amount"] == 27600
    # A second batch finds nothing left to pay.
    with pytest.raises(ValidationError, match="支払う明細がありません"):
        _create(payers[1])


def test_the_creator_cannot_approve_and_only_payers_act_R_FEE_7(payers, decided, people):
    batch = _create(payers[0])
    with pytest.raises(ValidationError, match="作成した本人は承認できません"):
        batches.batch_approve(actor=payers[0], batch=batch)
    with pytest.raises(PermissionDenied, match="支払権限"):  # the same check as the pages (org.access)
        batches.batch_approve(actor=people["hq_staff"], batch=batch)
    batches.batch_approve(actor=payers[1], batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.approved_by) == (BatchStatus.APPROVED, payers[1])


def test_confirming_writes_one_transfer_record_per_payee_and_pays_once(payers, decided):
    batch = _create(payers[0])
    with pytest.raises(ValidationError, match="承認されていません"):
        batches.batch_confirm(actor=payers[1], batch=batch)
    batches.batch_approve(actor=payers[1], batch=batch)
    path = batches.batch_confirm(actor=payers[1], batch=batch)
    records = path.read_bytes().split(b"\r\n")[:-1]
    assert [r[:1] for r in records] == [b"1", b"2", b"2", b"2", b"8", b"9"]
    amounts = sorted(int(r[80:90]) for r in records if r[:1] == b"2")
    assert amounts == [2520, 2520, 27600]
    # Bank and branch names in the half-width kana of the Zengin code data, not the kanji on screen.
    mizuho = next(r for r in records if r[:1] == b"2" and r[1:5] == b"0001")
    assert mizuho[5:20].decode("cp932") == "ﾐｽﾞﾎ".ljust(15)
    assert mizuho[23:38].decode("cp932") == "ﾄｳｷﾖｳ".ljust(15)
    assert int(records[-2][7:19]) == 32640
    assert not list(path.parent.glob(".*.partial"))
    # Confirming again, as a double click would, pays nothing more.
    with pytest.raises(ValidationError, match="確定済み"):
        batches.batch_confirm(actor=payers[1], batch=batch)
    with pytest.raises(ValidationError, match="取り消せません"):
        batches.batch_cancel(actor=payers[0], batch=batch)


def test_a_payee_without_an_account_stops_the_batch_and_nothing_is_paid(payers, decided):
    BankAccount.objects.filter(holder_kana="ｻﾄｳ ﾊﾅｺ").delete()
    batch = _create(payers[0])
    batches.batch_approve(actor=payers[1], batch=batch)
    with pytest.raises(ValidationError, match="振込口座が登録されていません：推進 1"):
        batches.batch_confirm(actor=payers[1], batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED
    assert not batches.TRANSFER_DIR.exists() or not any(batches.TRANSFER_DIR.iterdir())


def test_a_cancelled_batch_releases_its_lines_for_the_next(payers, decided):
    batch = _create(payers[0])
    batches.batch_cancel(actor=payers[0], batch=batch)
    assert not ClaimLine.objects.exclude(batch=None).exists() and not CoordinatorPay.objects.exists()
    assert _create(payers[1]).lines.count() == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite cannot test row locks")
# serialized_rollback: the flush after this test would otherwise take the master data the
# browser tests (also transactional) expect, as they restore it from the same snapshot.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_batches_started_at_once_pay_each_line_once(payers, decided):
    errors, made = [], []

    def start():
        try:
            made.append(_create(payers[0]).pk)
        except ValidationError:
            errors.append(1)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) + len(errors) == 20
    assert ClaimLine.objects.filter(batch__isnull=False).count() == 4
    assert CoordinatorPay.objects.count() == 1
    holders = set(ClaimLine.objects.values_list("batch", flat=True)) | set(
        CoordinatorPay.objects.values_list("batch", flat=True)
    )
    assert holders <= set(made)


def test_the_batch_pages_take_a_quarter_from_creation_to_the_transfer_file(client, payers, decided, people):

    login(client, payers[0])
    data = {"year": 2011, "quarter": 1, "transfer_date": "2011-07-15"}
    response = client.post("/payments/batches/new/", data, follow=True)
    assert "別の支払権限者が承認してください" in response.content.decode()
    batch = response.context["batch"]
    assert "5,040円" in response.content.decode() and "27,600円" in response.content.decode()
    response = client.post(f"/payments/batches/{batch.pk}/approve/", follow=True)
    assert "作成した本人は承認できません" in response.content.decode()
    login(client, payers[1])
    client.post(f"/payments/batches/{batch.pk}/approve/")
    client.post(f"/payments/batches/{batch.pk}/confirm/")
    response = client.post(f"/payments/batches/{batch.pk}/confirm/", follow=True)  # a double click
    assert "このバッチは確定済みです。" in response.content.decode()
    body = b"".join(client.get(f"/payments/batches/{batch.pk}/transfer.txt").streaming_content)
    assert body.count(b"\r\n") == 6 and body.split(b"\r\n")[4][:1] == b"8"
    statements = client.get(f"/payments/batches/{batch.pk}/documents.pdf").content
    assert len(re.findall(rb"/Type /Page\b(?!s)", statements)) == 3  # one page per payee
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/payments/batches/{batch.pk}/documents.xlsx").content)
    )
    assert book.sheetnames == ["支部・区分経理別", "受取人別", "明細"]
    rows = list(book["支部・区分経理別"].iter_rows(min_row=2, values_only=True))
    assert rows == [
        ("東京支部", "A1", "未手続事業一掃業務（加入勧奨推進費）", 4, 5040, 240),
        ("東京支部", "B1", "適正加入促進業務（促進員手当）", 1, 27600, 0),
    ]
    login(client, people["hq_staff"])  # HQ, but without the payment permission
    assert client.get("/payments/batches/").status_code == 403
    assert client.get(f"/payments/batches/{batch.pk}/transfer.txt").status_code == 403


def test_running_the_batch_a_hundred_times_pays_each_line_once(payers, decided):
    made = []
    for _ in range(100):
        try:
            made.append(_create(payers[0]))
        except ValidationError:
            pass
    assert len(made) == 1
    assert set(ClaimLine.objects.values_list("batch", flat=True)) == {made[0].pk}


def test_a_failure_halfway_leaves_nothing_half_taken(payers, decided, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CoordinatorPay.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        _create(payers[0])
    assert not ClaimLine.objects.exclude(batch=None).exists()
    assert not PaymentBatch.objects.exists()


def test_a_paid_line_is_corrected_by_a_negative_line_in_the_next_batch(client, payers, decided):
    batch = _create(payers[0])
    line = decided[0]
    login(client, payers[1])
    response = client.post(f"/payments/lines/{line.pk}/reverse/", {"reason": "二重訪問"}, follow=True)
    assert "支払済みの明細だけを訂正できます" in response.content.decode()  # not paid yet
    batches.batch_approve(actor=payers[1], batch=batch)
    batches.batch_confirm(actor=payers[1], batch=batch)
    response = client.post(f"/payments/lines/{line.pk}/reverse/", {"reason": "二重訪問"}, follow=True)
    assert "次の支払バッチで差し引かれます" in response.content.decode()
    correction = ClaimLine.objects.get(reversal_of=line)
    assert (correction.amount, correction.tax, correction.batch) == (-1260, -60, None)
    line.refresh_from_db()
    assert (line.amount, line.batch) == (1260, batch)  # the paid line itself is never edited
    response = client.post(f"/payments/lines/{line.pk}/reverse/", {"reason": "再度"}, follow=True)
    assert "既に訂正されています" in response.content.decode()
    # The next quarter's batch deducts it from that person's next payment.
    more = ClaimLine.objects.create(
        claim=line.claim,
        kind="visit_fee",
        business=line.business,
        day=line.day,
        description="直接訪問",
        amount=1260,
        tax=60,
        branch_decision=Decision.ACCEPTED,
        hq_decision=Decision.ACCEPTED,
    )
    following = batches.batch_create(
        actor=payers[0],
        fiscal_year=FiscalYear.objects.get(year=2011),
        quarter=2,
        transfer_date=datetime.date(2011, 10, 14),
    )
    assert set(following.lines.values_list("pk", flat=True)) == {correction.pk, more.pk}
    assert [row["amount"] for row in batches.payees(following)] == [0]


def test_a_late_march_claim_is_paid_by_its_own_year_not_the_next_R_FEE_5(payers, decided):
    """March 2012's claim decided in April: FY2012's first batch leaves it; FY2011's takes it."""
    rules = FeeRules.objects.get(fiscal_year__year=2011)
    march = decided[0].claim
    late = FeeClaim.objects.create(
        appointment=march.appointment,
        month=datetime.date(2012, 3, 1),
        rules=rules,
        status=ClaimStatus.DECIDED,
    )
    ClaimLine.objects.filter(pk__in=[line.pk for line in decided]).update(claim=late)
    CoordinatorPay.objects.all().delete()
    WorkDay.objects.all().delete()
    with pytest.raises(ValidationError, match="支払う明細がありません"):
        batches.batch_create(
            actor=payers[0],
            fiscal_year=FiscalYear.objects.get(year=2012),
            quarter=1,
            transfer_date=datetime.date(2012, 7, 13),
        )
    fourth = batches.batch_create(
        actor=payers[0],
        fiscal_year=FiscalYear.objects.get(year=2011),
        quarter=4,
        transfer_date=datetime.date(2012, 4, 13),
    )
    assert fourth.lines.count() == 4


def test_a_coordinators_month_is_paid_only_once_every_day_is_confirmed_D_7(payers, decided, people):
    coordinator = Appointment.objects.get(role="coordinator")
    WorkDay.objects.create(
        appointment=coordinator, day=datetime.date(2011, 6, 1), recorded_by=people["tokyo_staff"]
    )
    batch = _create(payers[0])
    assert list(batch.coordinator_pay.values_list("month", "days")) == [(datetime.date(2011, 5, 1), 3)]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2011-06-30", "第1四半期の末日（平成23年6月30日）より後の日付にしてください"),
        ("2011-05-20", "第1四半期の末日（平成23年6月30日）より後の日付にしてください"),
        ("2011-07-16", "土曜日のため振り込めません"),
        ("2011-07-18", "海の日のため振り込めません"),
    ],
)
def test_a_transfer_date_before_the_quarters_end_or_on_a_bank_holiday_is_refused(
    client, payers, decided, day, message
):
    login(client, payers[0])
    response = client.post(
        "/payments/batches/new/", {"year": 2011, "quarter": 1, "transfer_date": day}, follow=True
    )
    assert message in response.content.decode()
    assert not PaymentBatch.objects.exists()
    assert not ClaimLine.objects.exclude(batch=None).exists()


def test_a_late_transfer_is_warned_and_the_statement_names_the_months_it_covers(payers, decided):
    batch = batches.batch_create(
        actor=payers[0],
        fiscal_year=FiscalYear.objects.get(year=2011),
        quarter=1,
        transfer_date=datetime.date(2011, 11, 15),
    )
    assert "3か月を超えています" in batch.transfer_warning
    assert batch.covered_months == [datetime.date(2011, 5, 1), datetime.date(2011, 6, 1)]
    assert documents.months_label(batch.covered_months) == "平成23年5月・6月分"
    assert (
        documents.months_label([datetime.date(2011, 12, 1), datetime.date(2012, 1, 1)])
        == "平成23年12月・平成24年1月分"
    )


def test_paid_shows_only_once_the_transfer_date_has_come(client, payers, decided, people, monkeypatch):
    batch = _create(payers[0])
    batches.batch_approve(actor=payers[1], batch=batch)
    batches.batch_confirm(actor=payers[1], batch=batch)
    claim = decided[0].claim
    login(client, people["tokyo_staff"])
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: datetime.date(2011, 7, 14))
    page = client.get(f"/payments/claims/{claim.pk}/").content.decode()
    assert "支払確定（平成23年7月15日振込予定）" in page and "支払済" not in page
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: datetime.date(2011, 7, 15))
    assert "支払済（平成23年7月15日振込）" in client.get(f"/payments/claims/{claim.pk}/").content.decode()


def test_downloading_the_transfer_file_is_audited(client, payers, decided):
    batch = _create(payers[0])
    batches.batch_approve(actor=payers[1], batch=batch)
    batches.batch_confirm(actor=payers[1], batch=batch)
    login(client, payers[0])
    b"".join(client.get(f"/payments/batches/{batch.pk}/transfer.txt").streaming_content)
    entry = AuditEntry.objects.get(event="file_download")
    assert (entry.actor, entry.object_pk) == (payers[0], str(batch.pk))
    assert batch.transfer_file in entry.object_repr


def test_a_confirmed_batch_whose_file_was_lost_in_a_crash_gets_the_same_file_again(client, payers, decided):
    # Confirmation commits first and the file is written after: a process killed in between leaves
    # the batch confirmed without its file (bench/faults.py kills it there).
    batch = _create(payers[0])
    batches.batch_approve(actor=payers[1], batch=batch)
    path = batches.batch_confirm(actor=payers[1], batch=batch)
    original = path.read_bytes()
    path.unlink()
    login(client, payers[0])
    body = b"".join(client.get(f"/payments/batches/{batch.pk}/transfer.txt").streaming_content)
    assert body == original and path.read_bytes() == original
