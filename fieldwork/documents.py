"""The outreach report (労働保険加入勧奨状況報告書) of a promoter for a month, original and copy (R-VIS-3)."""

import io

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

from fieldwork.models import Enrolment, Visit
from lib import pdf, wareki
from lib.fiscal import month_range
from people.models import Appointment

COPIES = ("正", "副")
WIDTHS = [14, 40, 60, 18, 24, 50, 24, 43]  # millimetres across landscape A4
HEADERS = ["訪問日", "事業所名", "所在地", "方法", "面談者", "説明した内容", "結果", "次の対応"]


def outreach_report(appointment: Appointment, year: int, month: int) -> bytes:
    """Every contact the person recorded in the month, with the direct visits and enrolments counted."""
    return landscape_pdf("労働保険加入勧奨状況報告書", outreach_story(appointment, year, month))


def landscape_pdf(title: str, story: list) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), title=title, leftMargin=12 * mm, rightMargin=12 * mm
    )
    document.build(story)
    return buffer.getvalue()


def outreach_story(appointment: Appointment, year: int, month: int, copies=COPIES) -> list:
    """The report's pages as flowables, one set per copy (正・副), to print alone or after a claim."""
    first, last = month_range(year, month)
    visits = list(
        Visit.objects.filter(appointment=appointment, visited_on__range=(first, last))
        .select_related("business")
        .order_by("visited_on", "visited_at", "pk")
    )
    enrolments = Enrolment.objects.filter(appointment=appointment, enrolled_on__range=(first, last)).count()
    rows = [
        [
            f"{v.visited_on.month}/{v.visited_on.day}",
            Paragraph(v.business.name, pdf.BODY),
            Paragraph(v.business.address, pdf.BODY),
            v.get_method_display(),
            Paragraph(v.met, pdf.BODY),
            Paragraph("、".join(v.topic_labels), pdf.BODY),
            v.get_outcome_display(),
            Paragraph(v.next_action, pdf.BODY),
        ]
        for v in visits
    ]
    direct = sum(1 for v in visits if v.is_outreach)
    title = "労働保険加入勧奨状況報告書"
    period = f"{wareki.year_month(first)}分"
    story = []
    for copy in copies:
        story += [
            Paragraph(f"{title}（{copy}）", pdf.TITLE),
            Paragraph(
                f"{period}　{appointment.branch.name}　{appointment.get_role_display()} {appointment.person.full_name}"
                f"（番号 {appointment.number}）",
                pdf.BODY,
            ),
            Spacer(1, 3 * mm),
            pdf.table(
                HEADERS,
                rows or [["", "この月の記録はありません。", "", "", "", "", "", ""]],
                numeric_from=len(HEADERS),
                widths=[w * mm for w in WIDTHS],
            ),
            Spacer(1, 4 * mm),
            Paragraph(
                f"直接訪問（加入勧奨）{direct}件　電話・文書等 {len(visits) - direct}件　保険関係成立 {enrolments}件",
                pdf.BODY,
            ),
            Spacer(1, 8 * mm),
            Paragraph(
                "上記のとおり報告します。　　　　年　　月　　日　　　氏名　　　　　　　　　　　　印", pdf.BODY
            ),
        ]
        if copy != copies[-1]:
            story.append(PageBreak())
    return story
