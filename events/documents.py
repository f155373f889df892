"""Excel for events: the branch's training report to HQ in one fixed form (R-EVT-2, 別紙11 7), HQ's
national summary, and every questionnaire answer."""

from django.db.models import Count

from events import measures, services
from events.models import QuestionKind, Training
from lib import tables
from org.models import Branch, FiscalYear

REPORT_HEADERS = ["実施日", "会場", "形式", "対象", "講師（所属・氏名）", "研修内容", "受講者数"]


def training_report(branch: Branch, fiscal_year: FiscalYear) -> bytes:
    """The same three sheets for every branch: the sessions, the totals, and who is not yet trained."""
    sessions = (
        Training.objects.filter(branch=branch, fiscal_year=fiscal_year)
        .annotate(count=Count("attendance"))
        .order_by("held_on")
    )
    rows = [
        [
            t.held_on,
            t.venue,
            t.format_labels,
            t.get_level_display(),
            t.lecturers,
            t.topics,
            t.count,
        ]
        for t in sessions
    ]
    promoters = measures.promoters(fiscal_year).get(branch.pk, 0)
    trained = measures.promoters_trained(fiscal_year).get(branch.pk, 0)
    totals = [
        ["支部", branch.name],
        ["年度", fiscal_year.label],
        ["実施回数", len(rows)],
        ["推進員数（委嘱中）", promoters],
        ["受講した推進員数", trained],
        ["受講率（%）", round(trained * 100 / promoters, 1) if promoters else 0],
    ]
    missing = [[a.person.full_name, a.person.full_name_kana] for a in services.untrained(branch, fiscal_year)]
    return tables.write_workbook(
        [
            ("研修実施状況", REPORT_HEADERS, rows),
            ("集計", ["項目", "値"], totals),  # type: ignore[list-item]  # rows of label and number
            ("未受講の推進員", ["氏名", "フリガナ"], missing),
        ]
    )


def training_rows(fiscal_year: FiscalYear) -> list[dict]:
    """One row per branch for HQ: sessions, promoters, trained, rate and the first session's date."""
    sessions: dict[int, list] = {}
    for branch_id, held_on in Training.objects.filter(fiscal_year=fiscal_year).values_list(
        "branch", "held_on"
    ):
        sessions.setdefault(branch_id, []).append(held_on)
    promoters, trained = measures.promoters(fiscal_year), measures.promoters_trained(fiscal_year)
    rows = []
    for branch in Branch.objects.select_related("prefecture"):
        count, done = promoters.get(branch.pk, 0), trained.get(branch.pk, 0)
        days = sessions.get(branch.pk, [])
        rows.append(
            {
                "branch": branch,
                "sessions": len(days),
                "first": min(days) if days else None,
                "promoters": count,
                "trained": done,
                "rate": round(done * 100 / count, 1) if count else 0,
            }
        )
    return rows


def training_summary(fiscal_year: FiscalYear, rows: list[dict]) -> bytes:
    return tables.write_workbook(
        [
            (
                f"研修実施状況（{fiscal_year.label}）",
                ["支部", "実施回数", "初回実施日", "推進員数", "受講者数", "受講率（%）"],
                [
                    [r["branch"].name, r["sessions"], r["first"], r["promoters"], r["trained"], r["rate"]]
                    for r in rows
                ],
            )
        ]
    )


def answers_workbook(dispatches, asked) -> bytes:
    """Every answer, one row each, with the seminar it belongs to; choices joined by 「、」."""
    rows = []
    for dispatch in dispatches.prefetch_related("responses").order_by("held_on", "pk"):
        for response in dispatch.responses.all():
            answers = response.answers
            cells = []
            for question in asked:
                value = answers.get(str(question.pk), "")
                cells.append("、".join(value) if question.kind == QuestionKind.MANY and value else value)
            rows.append([dispatch.held_on, dispatch.title, dispatch.organiser, dispatch.organised_by, *cells])
    return tables.write_workbook(
        [("回答", ["開催日", "セミナー名", "主催者", "派遣元", *[q.text for q in asked]], rows)]
    )
