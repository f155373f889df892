"""Targets and progress: the tables every dashboard, the progress form and the PDF are built from."""

import datetime
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from audit.models import AuditEntry
from councils.models import CouncilMeeting, Counterpart, MeetingNumber, OutreachPlan
from councils.models import deadline as council_deadline
from lib import fiscal, numbers
from org.models import Branch, FiscalYear, User
from people.models import Appointment, AppointmentRole, AppointmentStatus
from targets.figures import Figures
from targets.models import UNITS, Measure, Target

MEASURES = list(Measure)
REGULAR = (MeetingNumber.FIRST, MeetingNumber.SECOND, MeetingNumber.THIRD)


def targets_of(fiscal_year: FiscalYear) -> tuple[dict[tuple[int, str], int], dict[str, int]]:
    """({(branch id, measure): value}, {measure: HQ's national value}).

    A branch whose identification target HQ has not set for the year keeps its standard figure
    (Branch.default_identification_target, the FY2011 table of 別紙3, R-ROS-2) until HQ sets one,
    so the dashboards and the identification page show the same target."""
    branch_targets: dict[tuple[int, str], int] = {
        (branch, Measure.IDENTIFIED): value
        for branch, value in Branch.objects.values_list("pk", "default_identification_target")
        if value
    }
    national: dict[str, int] = {}
    for branch, measure, value in Target.objects.filter(fiscal_year=fiscal_year).values_list(
        "branch", "measure", "value"
    ):
        if branch is None:
            national[measure] = value
        else:
            branch_targets[(branch, measure)] = value
    return branch_targets, national


def elapsed_share(fiscal_year: FiscalYear, today: datetime.date) -> float:
    """How much of the year has passed (0–1), counting today."""
    if today < fiscal_year.start:
        return 0.0
    total = (fiscal_year.end - fiscal_year.start).days + 1
    return min((min(today, fiscal_year.end) - fiscal_year.start).days + 1, total) / total


def months_elapsed(fiscal_year: FiscalYear, today: datetime.date) -> int:
    """How many of the year's months have begun: the actual line stops there, not at March."""
    if today < fiscal_year.start:
        return 0
    if today > fiscal_year.end:
        return 12
    return (today.year - fiscal_year.start.year) * 12 + today.month - fiscal_year.start.month + 1


def projection(actual: int, share: float) -> int:
    """Where the year ends at the pace so far (to 31 March); nothing to project before it starts."""
    return round(actual / share) if share else 0


TRAINING_MONTHS = (4, 9)  # R-EVT-2: promoter training is held April to September


def _training_share(fiscal_year: FiscalYear, today: datetime.date) -> float:
    """How much of the training period (1 April – 30 September) has passed, counting today."""
    start, end = fiscal_year.start, datetime.date(fiscal_year.year, 9, 30)
    if today < start:
        return 0.0
    return min((min(today, end) - start).days + 1, (end - start).days + 1) / ((end - start).days + 1)


def _possible(
    fiscal_year: FiscalYear, branches: list[Branch], today: datetime.date
) -> dict[str, dict[int, int]]:
    """Per measure needing it, {branch id: the most the year can still reach}: promoters trained
    cannot exceed the active promoters; councils add only the regular ones still due (R-CNL-1)."""
    promoters = dict(
        Appointment.objects.filter(
            fiscal_year=fiscal_year,
            role=AppointmentRole.PROMOTER,
            status=AppointmentStatus.ACTIVE,
            branch__in=branches,
        )
        .values_list("branch")
        .annotate(n=Count("pk"))
    )
    held = set(
        CouncilMeeting.objects.filter(
            fiscal_year=fiscal_year,
            counterpart=Counterpart.BUREAU,
            held_on__isnull=False,
            number__in=[n.value for n in REGULAR],
            branch__in=branches,
        ).values_list("branch", "number")
    )
    still_due = {
        branch.pk: sum(
            1
            for n in REGULAR
            if (branch.pk, n.value) not in held and council_deadline(n, fiscal_year) >= today
        )
        for branch in branches
    }
    return {Measure.TRAINED: promoters, Measure.COUNCILS: still_due}


def projected(
    measure: str,
    actual: int,
    fiscal_year: FiscalYear,
    today: datetime.date,
    possible: dict[str, dict[int, int]],
    branch: Branch | None,
) -> int:
    """The year-end projection of one branch's measure, never beyond what can still happen: nothing
    grows after 31 March, training stops after September, no more promoters trained than there are,
    and councils project the regular ones still due rather than a pace."""
    if today > fiscal_year.end:
        return actual
    if measure == Measure.TRAINED:
        share = _training_share(fiscal_year, today)
        promoters = possible[Measure.TRAINED].get(branch.pk, 0) if branch is not None else actual
        return min(projection(actual, share), max(promoters, actual))
    if measure == Measure.COUNCILS:
        return actual + (possible[Measure.COUNCILS].get(branch.pk, 0) if branch is not None else 0)
    return projection(actual, elapsed_share(fiscal_year, today))


def rate(actual: int, target: int) -> float | None:
    return round(actual * 100 / target, 1) if target else None


def figures_of(fiscal_year: FiscalYear, branches: list[Branch]) -> Figures:
    """The counted figures of these branches (all 47: counted in one pass over each table)."""
    return Figures(fiscal_year, [b.pk for b in branches], nation=len(branches) >= Branch.objects.count())


def progress(
    fiscal_year: FiscalYear,
    branches: list[Branch],
    today: datetime.date,
    only: list[str] | None = None,
    figures: Figures | None = None,
) -> dict[str, dict[str, Any]]:
    """Per measure (all, or ``only`` those): each branch's monthly and year-to-date actuals, target, rate and projection, and
    the national row (HQ's figure, the sum of the branches' targets, and their difference)."""
    branch_targets, national = targets_of(fiscal_year)
    figures = figures or figures_of(fiscal_year, branches)
    chosen = only or MEASURES
    possible = (
        _possible(fiscal_year, branches, today) if {Measure.TRAINED, Measure.COUNCILS} & set(chosen) else {}
    )
    result = {}
    for measure in chosen:
        monthly = figures.monthly(measure)
        rows: list[dict[str, Any]] = []
        for branch in branches:
            months = monthly.get(branch.pk, [0] * 12)
            actual, target = sum(months), branch_targets.get((branch.pk, measure), 0)
            rows.append(
                {
                    "branch": branch,
                    "months": months,
                    "cumulative": fiscal.cumulative(months),
                    "actual": actual,
                    "target": target,
                    "rate": rate(actual, target),
                    "projection": projected(measure, actual, fiscal_year, today, possible, branch),
                }
            )
        branch_sum = sum(r["target"] for r in rows)
        actual = sum(r["actual"] for r in rows)
        hq = national.get(measure)
        target = hq if hq is not None else branch_sum
        result[measure] = {
            "measure": Measure(measure),
            "unit": UNITS[Measure(measure)],
            "rows": rows,
            "months": [sum(r["months"][i] for r in rows) for i in range(12)],
            "actual": actual,
            "target": target,
            "national_set": hq,
            "branch_sum": branch_sum,
            "difference": (hq - branch_sum) if hq is not None else 0,
            "rate": rate(actual, target),
            # Per-branch limits (training, councils) make the nation's the sum of the branches'.
            "projection": (
                sum(r["projection"] for r in rows)
                if measure in (Measure.TRAINED, Measure.COUNCILS)
                else projected(measure, actual, fiscal_year, today, possible, None)
            ),
            "shown_months": months_elapsed(fiscal_year, today),
        }
    return result


def by_block(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One measure's branch rows summed per block, in the blocks' order."""
    blocks: dict[int, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: r["branch"].block.number):
        block = blocks.setdefault(
            row["branch"].block_id, {"block": row["branch"].block, "actual": 0, "target": 0}
        )
        block["actual"] += row["actual"]
        block["target"] += row["target"]
    for block in blocks.values():
        block["rate"] = rate(block["actual"], block["target"])
    return list(blocks.values())


def behind(table_row: dict[str, Any], share: float) -> bool:
    """Behind the pace: less done than the target's share of the year passed."""
    return bool(table_row["target"]) and table_row["actual"] < table_row["target"] * share


def ranking(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Branch rows of one measure ordered by achievement rate (no target: last)."""
    return sorted(rows, key=lambda r: (r["rate"] is None, -(r["rate"] or 0), r["branch"].code))


def plan_against_actuals(branch: Branch, fiscal_year: FiscalYear) -> list[dict[str, int]]:
    """Each month of the year: the outreach plan's visits and enrolments (R-CNL-3) against the actuals
    and the running totals. The actuals are the target measures' (R-VIS-2, R-VIS-5): businesses
    visited directly for the first time in the year, and enrolments credited to outreach."""
    plans = plan_months(branch, fiscal_year)
    figures = figures_of(fiscal_year, [branch])
    visited, enrolled = (figures.monthly(m)[branch.pk] for m in (Measure.VISITED, Measure.ENROLLED))
    rows, totals = (
        [],
        {"visits_planned": 0, "visits_actual": 0, "enrolments_planned": 0, "enrolments_actual": 0},
    )
    for i, month in enumerate(fiscal.FISCAL_MONTHS):
        values = {
            "visits_planned": plans[Measure.VISITED][i],
            "visits_actual": visited[i],
            "enrolments_planned": plans[Measure.ENROLLED][i],
            "enrolments_actual": enrolled[i],
        }
        for key, n in values.items():
            totals[key] += n
        rows.append({"month": month, **values, **{f"{k}_total": totals[k] for k in values}})
    return rows


def plan_months(branch: Branch, fiscal_year: FiscalYear) -> dict[str, list[int]]:
    """The branch's monthly plan (outreach plan) for the measures it plans."""
    visits, enrolments = [0] * 12, [0] * 12
    plan = OutreachPlan.objects.filter(branch=branch, fiscal_year=fiscal_year).first()
    if plan is not None:
        for row in plan.months.all():
            visits[fiscal.MONTH_INDEX[row.month]] = row.visits
            enrolments[fiscal.MONTH_INDEX[row.month]] = row.enrolments
    return {Measure.VISITED: visits, Measure.ENROLLED: enrolments}


Cell = tuple[int | None, str]


class TargetsChanged(Exception):
    """Targets of the year changed since the page was read: {cell: its value now}, and who changed
    them last and when (kit.versions)."""

    def __init__(self, cells: dict[Cell, int | None], who: User | None, when: datetime.datetime | None):
        super().__init__(cells)
        self.cells, self.who, self.when = cells, who, when


@transaction.atomic
def targets_save(
    *,
    actor: User,
    fiscal_year: FiscalYear,
    values: dict[Cell, int | None],
    read: dict[Cell, int | None] | None = None,
) -> int:
    """Set targets from {(branch id or None, measure): value or None}; None removes one. Audited as one row.

    ``read``: the values the page showed. Given, the year's grid is saved only if none of those cells
    changed since (TargetsChanged otherwise, nothing saved), and only the cells this user changed are
    written: two people setting targets at once never overwrite each other."""
    if read is not None:
        # One save of a year's grid at a time: the check and the writes see the same targets.
        FiscalYear.objects.select_for_update().filter(pk=fiscal_year.pk).first()
        branch_targets, national = targets_of(fiscal_year)
        now: dict[Cell, int | None] = {
            cell: national.get(cell[1]) if cell[0] is None else branch_targets.get((cell[0], cell[1]))
            for cell in read
        }
        theirs = {cell: value for cell, value in now.items() if value != read[cell]}
        if theirs:
            latest = (
                Target.objects.filter(fiscal_year=fiscal_year, updated_by__isnull=False)
                .select_related("updated_by")
                .order_by("-updated_at")
                .first()
            )
            raise TargetsChanged(
                theirs, latest.updated_by if latest else None, latest.updated_at if latest else None
            )
        values = {cell: value for cell, value in values.items() if cell not in read or value != read[cell]}
    changed = 0
    for (branch_id, measure), value in values.items():
        if value is not None and value < 0:
            raise ValidationError("目標は0以上の整数で入力してください。")
        # branch None: HQ's national figure (branch IS NULL).
        current = Target.objects.filter(fiscal_year=fiscal_year, branch_id=branch_id, measure=measure)  # type: ignore[misc]
        if value is None:
            changed += current.delete()[0]
        elif not current.filter(value=value).exists():
            current.delete()
            Target.objects.create(
                fiscal_year=fiscal_year, branch_id=branch_id, measure=measure, value=value, updated_by=actor
            )
            changed += 1
    if changed:
        AuditEntry.record_event(
            "bulk_change",
            target=Target,
            target_repr=f"目標の設定 {fiscal_year.label} {changed}件",
            actor=actor,
        )
    return changed


def split_national(*, actor: User, fiscal_year: FiscalYear, measure: str) -> dict[int, int]:
    """Split HQ's national target to the branches in proportion to their active promoters, by the
    largest remainder so the parts add up exactly."""
    national = Target.objects.filter(fiscal_year=fiscal_year, branch=None, measure=measure).first()
    if national is None:
        raise ValidationError("全国の目標が設定されていません。")
    weights: defaultdict[int, int] = defaultdict(int)
    for branch in Appointment.objects.filter(
        fiscal_year=fiscal_year, role=AppointmentRole.PROMOTER, status=AppointmentStatus.ACTIVE
    ).values_list("branch", flat=True):
        weights[branch] += 1
    total = sum(weights.values())
    if not total:
        raise ValidationError("この年度に委嘱中の推進員がいないため、配分できません。")
    exact = {branch: national.value * w / total for branch, w in weights.items()}
    parts = {branch: int(x) for branch, x in exact.items()}
    for branch in sorted(exact, key=lambda b: exact[b] - parts[b], reverse=True)[
        : national.value - sum(parts.values())
    ]:
        parts[branch] += 1
    targets_save(actor=actor, fiscal_year=fiscal_year, values={(b, measure): v for b, v in parts.items()})
    return parts


def targets_from_table(headers: list[str], rows: list[list[Any]]) -> dict[tuple[int | None, str], int | None]:
    """Targets read from the exported sheet (or a CSV of the same columns); every error names its
    row and column, and nothing is taken unless every cell is right."""
    labels = {m.label: m for m in MEASURES}
    if not headers or headers[0] != "支部コード":
        raise ValidationError("1列目の見出しは「支部コード」にしてください（出力した様式をお使いください）。")
    columns = {i: labels[h] for i, h in enumerate(headers) if h in labels}
    if not columns:
        raise ValidationError("指標の列（" + "、".join(labels) + "）が見つかりません。")
    branches = dict(Branch.objects.values_list("prefecture__code", "pk"))
    values: dict[tuple[int | None, str], int | None] = {}
    errors: list[str] = []
    for number, row in enumerate(rows, start=2):
        code = str(row[0]).strip().zfill(2) if row and str(row[0]).strip() else ""
        if code != "00" and code not in branches:
            errors.append(f"{number}行目「支部コード」：{row[0] if row else ''} は支部コードではありません。")
            continue
        for i, measure in columns.items():
            cell = row[i] if i < len(row) else ""
            try:
                value = numbers.whole_number(cell) if str(cell).strip() else None
            except ValueError as error:
                errors.append(f"{number}行目・{i + 1}列目「{measure.label}」：{error}")
                continue
            values[(None if code == "00" else branches[code], measure)] = value
    if errors:
        raise ValidationError(errors[:20])
    return values
