"""The association registry as a table: Excel/CSV import with errors by row and column, all or
nothing, and the export (R-ORG-3). Membership changes in a file go through the services, so the
periods behind the rate stay right."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from associations import services
from lib import tables, wareki
from lib.tables import TableError
from org.models import Association, AssociationStatus, Branch, User

COLUMNS = [
    ("支部コード", "branch"),
    ("事務組合名", "name"),
    ("事務組合名カナ", "name_kana"),
    ("代表者氏名", "representative"),
    ("郵便番号", "postal_code"),
    ("所在地", "address"),
    ("電話番号", "phone"),
    ("認可番号", "approval_number"),
    ("認可年月日", "approved_on"),
    ("会員区分", "member"),
    ("入会日", "joined_on"),
    ("退会日", "left_on"),
    ("状況", "status"),
    ("解散・廃止の理由", "status_reason"),
    ("解散・廃止日", "closed_on"),
]
REQUIRED = ["事務組合名", "会員区分"]
EXPORT_HEADERS = [header for header, _ in COLUMNS] + ["委託事業主数"]
DATES = {"approved_on": "認可年月日", "joined_on": "入会日", "left_on": "退会日", "closed_on": "解散・廃止日"}
MEMBER = {"会員": True, "非会員": False}
STATUSES = {label: value for value, label in AssociationStatus.choices}
TEXT_FIELDS = [
    "name_kana",
    "representative",
    "postal_code",
    "address",
    "phone",
    "approval_number",
    "status_reason",
]


@dataclass
class Row:
    line: int
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)
    branch: Branch | None = None
    dates: dict[str, datetime.date | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value or "").strip()


def _date(row: Row, name: str, raw: Any) -> None:
    if isinstance(raw, datetime.date):
        row.dates[name] = raw
    elif text := _text(raw):
        try:
            row.dates[name] = wareki.parse_date(text)
        except ValueError as error:
            row.errors.append((DATES[name], str(error)))
    else:
        row.dates[name] = None


def parse_rows(headers: list[str], rows: list[list], *, user: User) -> list[Row]:
    """Check every row; nothing is saved here. A branch's staff may name only their own branch."""
    missing = [h for h in REQUIRED if h not in headers]
    if missing:
        raise TableError(f"必須の列がありません：{'、'.join(missing)}（1行目に列名が必要です）")
    index = {header: headers.index(header) for header, _ in COLUMNS if header in headers}
    branches = {b.prefecture.code: b for b in Branch.objects.select_related("prefecture")}
    limits = {
        name: getattr(Association._meta.get_field(name), "max_length", None)
        for name in ["name", *TEXT_FIELDS]
    }
    seen: set[tuple[int, str]] = set()
    result = []
    # One search over the whole file: most have no cell to look at again (as the roster import).
    look = tables.suspicious_in(cell for cells in rows for cell in cells)
    for line, cells in enumerate(rows, start=2):
        raw = {name: (cells[index[h]] if h in index and index[h] < len(cells) else "") for h, name in COLUMNS}
        row = Row(line=line, values={name: _text(value) for name, value in raw.items()})
        # A cell Excel would run as a formula (=HYPERLINK(…)) is never stored, nor sent on by the API.
        row.errors += [
            (header, f"{reason}。取り除いてから取り込んでください。")
            for header, name in (COLUMNS if look else [])
            if (reason := tables.suspicious(raw[name]))
        ]
        code = row.values["branch"].zfill(2) if row.values["branch"] else ""
        if user.is_hq:
            row.branch = branches.get(code)
            if row.branch is None:
                row.errors.append(("支部コード", "都道府県コード（01〜47）を入力してください。"))
        elif user.branch is not None:
            row.branch = user.branch
            if code and code != user.branch.prefecture.code:
                row.errors.append(("支部コード", "自支部の事務組合だけを取り込めます。"))
        if not row.values["name"]:
            row.errors.append(("事務組合名", "入力がありません。"))
        for name, limit in limits.items():
            if limit and len(row.values[name]) > limit:
                header = next(h for h, n in COLUMNS if n == name)
                row.errors.append((header, f"{limit}文字を超えています（{len(row.values[name]):,}文字）。"))
        if row.values["member"] not in MEMBER:
            row.errors.append(("会員区分", "「会員」または「非会員」を入力してください。"))
        if row.values["status"] and row.values["status"] not in STATUSES:
            row.errors.append(("状況", f"{'・'.join(STATUSES)}のいずれかを入力してください。"))
        for name in DATES:
            _date(row, name, raw[name])
        if row.values["status"] == AssociationStatus.CLOSED.label and not row.dates.get("closed_on"):
            row.errors.append(("解散・廃止日", "解散・廃止の事務組合には解散・廃止日を入力してください。"))
        if row.branch is not None:
            key = (row.branch.pk, row.values["name"])
            if key in seen:
                row.errors.append(("事務組合名", "同じ支部の同じ事務組合がファイル内に2回あります。"))
            seen.add(key)
        result.append(row)
    return result


@transaction.atomic
def import_rows(rows: list[Row], *, actor: User) -> tuple[int, int]:
    """Create or update every row (by branch and name); all or nothing. Returns (created, updated)."""
    if bad := [row for row in rows if not row.ok]:
        raise ValidationError(f"エラーのある行が{len(bad)}行あるため、取り込んでいません。")
    created = updated = 0
    for row in rows:
        try:
            made = _save(row, actor)
        except ValidationError as error:
            # A membership the file asks for that the history refuses: name the row, save nothing.
            raise ValidationError(f"{row.line}行目：{'、'.join(error.messages)}") from None
        created, updated = (created + 1, updated) if made else (created, updated + 1)
    return created, updated


def _save(row: Row, actor: User) -> bool:
    """Save one checked row; True if the association is new."""
    association, made = Association.objects.get_or_create(
        branch=row.branch, name=row.values["name"], defaults={"is_member": False}
    )
    for name in TEXT_FIELDS:
        setattr(
            association,
            name,
            row.values[name].replace("-", "") if name == "postal_code" else row.values[name],
        )
    association.approved_on = row.dates["approved_on"]
    association.save()
    member = MEMBER[row.values["member"]]
    if member and not association.is_member:
        joined_on = row.dates["joined_on"] or association.approved_on
        if joined_on is None:
            raise ValidationError("会員とする事務組合には入会日（または認可年月日）が必要です。")
        services.membership_join(actor=actor, association=association, joined_on=joined_on)
    elif not member and association.is_member:
        if row.dates["left_on"] is None:
            raise ValidationError("非会員とする会員の事務組合には退会日が必要です。")
        services.membership_leave(actor=actor, association=association, left_on=row.dates["left_on"])
    status = STATUSES.get(row.values["status"], AssociationStatus.ACTIVE)
    association.refresh_from_db()
    if status == AssociationStatus.CLOSED and association.status != AssociationStatus.CLOSED:
        services.association_close(
            actor=actor,
            association=association,
            closed_on=row.dates["closed_on"] or timezone.localdate(),
            reason=row.values["status_reason"],
        )
    elif status != AssociationStatus.CLOSED:
        association.status = status
        association.save(update_fields=["status"])
    return made


def export_rows(associations: QuerySet[Association]) -> list[list[Any]]:
    """The registry as the import reads it, plus the count of current entrusting employers."""
    rows = []
    listed = associations.select_related("branch__prefecture").annotate(
        employers_now=Count("employers", filter=Q(employers__ended_on__isnull=True))
    )
    for a in listed.prefetch_related("memberships"):
        periods = sorted(a.memberships.all(), key=lambda m: m.joined_on)
        last = periods[-1] if periods else None
        rows.append(
            [
                a.branch.prefecture.code,
                a.name,
                a.name_kana,
                a.representative,
                a.postal_code,
                a.address,
                a.phone,
                a.approval_number,
                a.approved_on,
                "会員" if a.is_member else "非会員",
                last.joined_on if last else None,
                last.left_on if last else None,
                a.get_status_display(),
                a.status_reason,
                a.closed_on,
                a.employers_now,
            ]
        )
    return rows
