"""The insurance business's workflows (R-INS-1): registering agents, premium income from the
insurer's statements or by hand, and audits by document review to closure. Atomic, checked; the
audit trail records every row they write."""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from insurance.models import (
    Agent,
    AgentAudit,
    AuditAnswer,
    AuditDocument,
    AuditStatus,
    ChecklistItem,
    Finding,
    PremiumIncome,
    PremiumStatement,
    ProgramRecord,
)
from kit import versions
from kit.text import fit_filename
from lib import numbers, tables, uploads, wareki
from org.models import Association, AssociationStatus, Branch, FiscalYear, User

STATEMENT_COLUMNS = ["代理店コード", "対象年月", "保険料"]


@transaction.atomic
def agent_register(
    *, actor: User, association: Association, code: str, registered_on: datetime.date
) -> Agent:
    """Only an active member association can be registered as an agent (代理店登録会員事務組合)."""
    association = Association.objects.get(pk=association.pk)  # as it stands now, not as passed
    if not association.is_member or association.status != AssociationStatus.ACTIVE:
        raise ValidationError({"association": "活動中の会員事務組合だけを代理店に登録できます。"})
    if Agent.objects.filter(association=association).exists():
        raise ValidationError({"association": f"{association.name}は既に代理店です。"})
    if Agent.objects.filter(code=code).exists():
        raise ValidationError({"code": f"代理店コード「{code}」は既に使われています。"})
    return Agent.objects.create(association=association, code=code, registered_on=registered_on)


@dataclass
class StatementRow:
    line: int
    code: str
    month: datetime.date | None = None
    amount: int | None = None
    agent: Agent | None = None
    errors: list[str] = field(default_factory=list)


def _cell(cells: list[object], at: int) -> object:
    return cells[at] if at < len(cells) else ""


def statement_rows(headers: list[str], rows: list[list[object]]) -> list[StatementRow]:
    """Check every row of a statement (代理店コード, 対象年月, 保険料 in whole yen); nothing is saved."""
    missing = [h for h in STATEMENT_COLUMNS if h not in headers]
    if missing:
        raise tables.TableError(f"必須の列がありません：{'、'.join(missing)}（1行目に列名が必要です）")
    code_at, month_at, amount_at = (headers.index(h) for h in STATEMENT_COLUMNS)
    agents = {a.code: a for a in Agent.objects.select_related("association")}
    seen: set[tuple[int, datetime.date]] = set()
    result = []
    for line, cells in enumerate(rows, start=2):
        row = StatementRow(line=line, code=str(_cell(cells, code_at) or "").strip())
        row.agent = agents.get(row.code)
        if row.agent is None:
            row.errors.append(f"{line}行目「代理店コード」：登録されていない代理店コードです：{row.code}")
        month = _cell(cells, month_at)
        try:
            row.month = (
                month.replace(day=1) if isinstance(month, datetime.date) else wareki.parse_month(str(month))
            )
        except ValueError as error:
            row.errors.append(f"{line}行目「対象年月」：{error}")
        try:
            row.amount = numbers.whole_number(_cell(cells, amount_at), unit="円")
        except ValueError as error:
            row.errors.append(f"{line}行目・{amount_at + 1}列目「保険料」：{error}")
        if row.agent and row.month:
            if (row.agent.pk, row.month) in seen:
                row.errors.append(f"{line}行目：同じ代理店・同じ月の行がファイル内に2回あります。")
            seen.add((row.agent.pk, row.month))
        result.append(row)
    return result


@transaction.atomic
def statement_import(*, actor: User, filename: str, data: bytes) -> PremiumStatement:
    """Import an insurer's monthly statement: all rows or none. A figure replaces the agent's figure
    for that month (one per agent and month), so the same statement twice adds nothing; the very
    same file is refused outright."""
    digest = hashlib.sha256(data).hexdigest()
    if earlier := PremiumStatement.objects.filter(digest=digest).first():
        raise ValidationError(
            f"このファイルは{wareki.format_date(timezone.localdate(earlier.imported_at))}に取込済みです（{earlier.filename}）。"
        )
    headers, rows = tables.read_table(filename, data)
    parsed = statement_rows(headers, rows)
    if errors := [e for row in parsed for e in row.errors]:
        raise ValidationError(errors[:50])
    statement = PremiumStatement.objects.create(
        filename=fit_filename(PremiumStatement, "filename", filename),
        digest=digest,
        rows=len(parsed),
        total=sum(row.amount or 0 for row in parsed),
        imported_by=actor,
    )
    for row in parsed:
        assert row.month is not None and row.amount is not None  # checked above: no row has errors
        PremiumIncome.objects.update_or_create(
            agent=row.agent,
            month=row.month,
            defaults={"amount": row.amount, "statement": statement, "entered_by": actor},
        )
    return statement


@transaction.atomic
def premium_enter(*, actor: User, agent: Agent, month: datetime.date, amount: int) -> PremiumIncome:
    """HQ enters (or corrects) one agent's premium for one month by hand."""
    income, _ = PremiumIncome.objects.update_or_create(
        agent=agent,
        month=month.replace(day=1),
        defaults={"amount": amount, "statement": None, "entered_by": actor},
    )
    return income


def premium_total(fiscal_year: FiscalYear, **filters: object) -> int:
    """Premium income of the year in yen (of the agents ``filters`` select)."""
    rows = PremiumIncome.objects.filter(month__range=(fiscal_year.start, fiscal_year.end), **filters)
    return rows.aggregate(total=Sum("amount"))["total"] or 0


@transaction.atomic
def audit_start(
    *, actor: User, agent: Agent, fiscal_year: FiscalYear, sent_on: datetime.date, answer_due: datetime.date
) -> AgentAudit:
    """Send the year's checklist to an agent (代理店監査・書面点検)."""
    if not ChecklistItem.objects.filter(fiscal_year=fiscal_year).exists():
        raise ValidationError(
            f"{fiscal_year.label}の点検項目が登録されていません。先に点検項目を登録してください。"
        )
    if answer_due < sent_on:
        raise ValidationError({"answer_due": "回答期限は送付日以後にしてください。"})
    if AgentAudit.objects.filter(agent=agent, fiscal_year=fiscal_year).exists():
        raise ValidationError({"agent": f"{agent}の{fiscal_year.label}の監査は既にあります。"})
    return AgentAudit.objects.create(
        agent=agent, fiscal_year=fiscal_year, sent_on=sent_on, answer_due=answer_due, created_by=actor
    )


@transaction.atomic
def audit_answer(
    *, actor: User, audit: AgentAudit, answered_on: datetime.date, answers: dict[int, tuple[str, str]]
) -> AgentAudit:
    """Record the agent's answers ({item id: (answer, comment)}); every item must be answered."""
    if audit.status == AuditStatus.CLOSED:
        raise ValidationError("完了した監査は変更できません。")
    items = list(ChecklistItem.objects.filter(fiscal_year=audit.fiscal_year))
    if missing := [item for item in items if not answers.get(item.pk, ("", ""))[0]]:
        raise ValidationError(f"回答のない点検項目があります：{'、'.join(str(i.number) for i in missing)}")
    for item in items:
        answer, comment = answers[item.pk]
        AuditAnswer.objects.update_or_create(
            audit=audit, item=item, defaults={"answer": answer, "comment": comment}
        )
    audit.answered_on = answered_on
    audit.status = (
        AuditStatus.FINDINGS
        if audit.findings.filter(closed_on__isnull=True).exists()
        else AuditStatus.ANSWERED
    )
    audit.save(update_fields=["answered_on", "status"])
    return audit


def audit_document(*, actor: User, audit: AgentAudit, filename: str, data: bytes) -> AuditDocument:
    content_type = uploads.check(filename, data)
    return AuditDocument.keep(
        actor=actor, filename=filename, data=data, content_type=content_type, audit=audit
    )


@transaction.atomic
def finding_add(
    *, actor: User, audit: AgentAudit, description: str, action: str, due_on: datetime.date
) -> Finding:
    if audit.status == AuditStatus.CLOSED:
        raise ValidationError("完了した監査には指摘事項を追加できません。")
    if audit.answered_on is None:
        raise ValidationError("回答を受領してから指摘事項を登録してください。")
    finding = Finding.objects.create(audit=audit, description=description, action=action, due_on=due_on)
    audit.status = AuditStatus.FINDINGS
    audit.save(update_fields=["status"])
    return finding


@transaction.atomic
def finding_close(*, actor: User, finding: Finding, corrected: str, closed_on: datetime.date) -> Finding:
    """HQ confirms the correction the agent reported."""
    if not corrected.strip():
        raise ValidationError({"corrected": "是正の内容を入力してください。"})
    if finding.closed_on is not None:
        raise ValidationError("この指摘事項は是正確認済みです。")
    finding.corrected, finding.closed_on, finding.closed_by = corrected.strip(), closed_on, actor
    finding.save(update_fields=["corrected", "closed_on", "closed_by"])
    audit = finding.audit
    if not audit.findings.filter(closed_on__isnull=True).exists():
        audit.status = AuditStatus.ANSWERED
        audit.save(update_fields=["status"])
    return finding


@transaction.atomic
def audit_close(*, actor: User, audit: AgentAudit, closed_on: datetime.date) -> AgentAudit:
    """Close an audit: answered, and every finding corrected."""
    if audit.answered_on is None:
        raise ValidationError("回答を受領していない監査は完了できません。")
    if open_findings := audit.findings.filter(closed_on__isnull=True).count():
        raise ValidationError(f"是正が確認されていない指摘事項が{open_findings}件あります。")
    audit.status, audit.closed_on = AuditStatus.CLOSED, closed_on
    audit.save(update_fields=["status", "closed_on"])
    return audit


@transaction.atomic
def program_records_of(branch: Branch, fiscal_year: FiscalYear) -> dict[tuple[str, int], int]:
    """A branch's monthly figures of the other programs in a year: {(program, calendar month): value}."""
    return {
        (r.program, r.month.month): r.value
        for r in ProgramRecord.objects.filter(
            branch=branch, month__range=(fiscal_year.start, fiscal_year.end)
        )
    }


@transaction.atomic
def program_records_save(
    *,
    actor: User,
    branch: Branch,
    fiscal_year: FiscalYear,
    figures: dict[tuple[str, int], int | None],
    read: dict[tuple[str, int], int | None] | None = None,
) -> int:
    """Save a branch's monthly figures of the other programs ({(program, calendar month): value};
    None removes a figure). Returns how many figures changed.

    ``read``: the figures the page showed. Given, nothing is saved if any changed since
    (versions.Stale), and only the figures this user changed are written: two staff entering the
    grid at once never overwrite each other."""
    if read is not None:
        Branch.objects.select_for_update().filter(pk=branch.pk).first()  # one save of the grid at a time
        now = program_records_of(branch, fiscal_year)
        if any(now.get(cell) != read.get(cell) for cell in figures):
            raise versions.Stale
        figures = {cell: value for cell, value in figures.items() if value != read.get(cell)}
    changed = 0
    for (program, month), value in figures.items():
        day = datetime.date(fiscal_year.year + (month < 4), month, 1)
        current = ProgramRecord.objects.filter(branch=branch, program=program, month=day).first()
        if value is None:
            if current is not None:
                current.delete()
                changed += 1
        elif current is None or current.value != value:
            ProgramRecord.objects.update_or_create(
                branch=branch, program=program, month=day, defaults={"value": value, "entered_by": actor}
            )
            changed += 1
    return changed
