"""Printed fees: the monthly claim form with its outreach report, payment statements per payee, and the
batch's Excel summary for accounting."""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

from fieldwork.documents import landscape_pdf, outreach_story
from lib import pdf, tables, wareki
from payments.batches import payees, totals
from payments.models import FeeClaim, PaymentBatch

FEDERATION = "全国労働保険事務組合連合会"


def _person_lines(batch: PaymentBatch) -> tuple[dict, dict]:
    """Per person: the statement's rows, and the months of claims and pay the payment covers."""
    lines: dict = {}
    months: dict = {}
    for line in batch.lines.select_related("claim__appointment__person", "business").order_by("day", "pk"):
        person = line.claim.appointment.person_id
        lines.setdefault(person, []).append(
            [wareki.format_date(line.day), line.business.name, line.get_kind_display(), line.amount, line.tax]
        )
        months.setdefault(person, set()).add(line.claim.month)
    for pay in batch.coordinator_pay.select_related("appointment__person"):
        person = pay.appointment.person_id
        lines.setdefault(person, []).append(
            [
                wareki.year_month(pay.month),
                f"{pay.days}日 × {pay.daily_rate:,}円",
                "促進員手当",
                pay.amount,
                0,
            ]
        )
        months.setdefault(person, set()).add(pay.month)
    return lines, months


def months_label(months) -> str:
    """令和8年4月・5月・6月分: the months a payment covers, the era and year written once per year."""
    parts, year = [], None
    for month in sorted(months):
        parts.append(wareki.year_month(month) if month.year != year else f"{month.month}月")
        year = month.year
    return "・".join(parts) + "分" if parts else ""


def statements(batch: PaymentBatch) -> bytes:
    """One page (or more) per payee: every line with its tax part, and the total transferred."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title="支払明細書", leftMargin=15 * mm, rightMargin=15 * mm
    )
    lines, months = _person_lines(batch)
    people = payees(batch)
    story = []
    for index, row in enumerate(people):
        person = row["person"]
        rows = lines.get(person.pk, [])
        tax = sum(r[4] for r in rows)
        story += [
            Paragraph("支払明細書", pdf.TITLE),
            Paragraph(f"{person.full_name} 様", pdf.HEADING),
            Paragraph(
                f"{batch.fiscal_year.label} 第{batch.quarter}四半期分　振込日 {wareki.format_date(batch.transfer_date)}"
                f"　振込先 {row['account'] or '未登録'}",
                pdf.BODY,
            ),
            Paragraph(f"お支払の対象：{months_label(months.get(person.pk, ()))}の申請・稼動", pdf.BODY),
            Spacer(1, 3 * mm),
            pdf.table(["日付", "事業所・内容", "区分", "金額（税込）", "うち消費税"], rows, numeric_from=3),
            Spacer(1, 3 * mm),
            Paragraph(f"お支払額 {row['amount']:,}円（うち消費税 {tax:,}円）", pdf.HEADING),
            Paragraph(FEDERATION, pdf.BODY),
        ]
        if index < len(people) - 1:
            story.append(PageBreak())
    if not story:
        story = [Paragraph("支払明細書（対象者なし）", pdf.TITLE)]
    document.build(story)
    return buffer.getvalue()


def summary_workbook(batch: PaymentBatch) -> bytes:
    """Totals per branch and account code, the payees, and every line, for accounting (区分経理)."""
    people = payees(batch)
    detail = []
    for line in batch.lines.select_related(
        "claim__appointment__person", "claim__appointment__branch", "business"
    ):
        detail.append(
            [
                line.claim.appointment.branch.name,
                line.claim.appointment.person.full_name,
                line.day,
                line.business.name,
                line.get_kind_display(),
                line.amount,
                line.tax,
            ]
        )
    for pay in batch.coordinator_pay.select_related("appointment__person", "appointment__branch"):
        detail.append(
            [
                pay.appointment.branch.name,
                pay.appointment.person.full_name,
                pay.month,
                f"{pay.days}日",
                "促進員手当",
                pay.amount,
                0,
            ]
        )
    return tables.write_workbook(
        [
            (
                "支部・区分経理別",
                ["支部", "区分コード", "区分", "件数", "金額（税込）", "うち消費税"],
                [
                    [r["branch"], r["code"], r["account"], r["count"], r["amount"], r["tax"]]
                    for r in totals(batch)
                ],
            ),
            ("受取人別", ["氏名", "支払額"], [[r["person"].full_name, r["amount"]] for r in people]),
            ("明細", ["支部", "氏名", "日付", "事業所・内容", "区分", "金額（税込）", "うち消費税"], detail),
        ]
    )


def claim_form(claim: FeeClaim) -> bytes:
    """The claim (労働保険調査説明費・成功報酬費支給申請書) with the month's outreach report attached (R-FEE-4)."""
    appointment = claim.appointment
    lines = list(claim.lines.filter(amount__gt=0).select_related("business", "rules__fiscal_year"))
    rows = [
        [
            wareki.format_date(line.day),
            line.business.name,
            line.get_kind_display(),
            line.description
            + (f"（{line.rules.fiscal_year.label}の基準）" if line.rules is not None else ""),
            line.amount,
            line.tax,
        ]
        for line in lines
    ]
    story = [
        Paragraph("労働保険調査説明費・成功報酬費支給申請書", pdf.TITLE),
        Paragraph(
            f"{wareki.year_month(claim.month)}分　{appointment.branch.name}　{appointment.get_role_display()} "
            f"{appointment.person.full_name}（番号 {appointment.number}）　{claim.rules.fiscal_year.label}の支給基準",
            pdf.BODY,
        ),
        Spacer(1, 3 * mm),
        pdf.table(
            ["日付", "事業所", "区分", "内容", "金額（税込）", "うち消費税"],
            rows or [["", "支給の対象となる明細はありません。", "", "", "", ""]],
            numeric_from=4,
        ),
        Spacer(1, 3 * mm),
        Paragraph(
            f"申請額 {sum(line.amount for line in lines):,}円（うち消費税 {sum(line.tax for line in lines):,}円）",
            pdf.HEADING,
        ),
        Paragraph(
            "上記のとおり申請します。　　　　年　　月　　日　　　氏名　　　　　　　　　　　　印", pdf.BODY
        ),
        Paragraph(f"{FEDERATION} {appointment.branch.name}長 殿", pdf.BODY),
    ]
    # R-FEE-4, R-VIS-3: the outreach report (original and copy) of every month a visit fee comes from.
    months = {claim.month} | {line.day.replace(day=1) for line in lines if line.visit_id}
    for month in sorted(months):
        story += [PageBreak(), *outreach_story(appointment, month.year, month.month)]
    return landscape_pdf("支給申請書", story)
