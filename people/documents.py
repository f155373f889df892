"""PDF documents for appointments: appointment letters (委嘱状) and promoter ID cards (推進員証)."""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from lib import wareki
from lib.pdf import FONT
from people.models import Appointment

FEDERATION = "全国労働保険事務組合連合会"

CARD_WIDTH, CARD_HEIGHT = 91 * mm, 55 * mm  # a business card, as promoters carry it
CARD_COLUMNS, CARD_ROWS = 2, 5


def _centred(pdf: canvas.Canvas, y: float, text: str, size: float) -> None:
    pdf.setFont(FONT, size)
    pdf.drawCentredString(A4[0] / 2, y, text)


def appointment_letters(appointments: list[Appointment]) -> bytes:
    """One A4 page per appointment, dates in 和暦."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle("委嘱状")
    width, height = A4
    for appointment in appointments:
        pdf.setFont(FONT, 10)
        pdf.drawRightString(width - 25 * mm, height - 25 * mm, f"第 {appointment.number} 号")
        _centred(pdf, height - 60 * mm, "委　嘱　状", 32)
        pdf.setFont(FONT, 18)
        pdf.drawString(30 * mm, height - 90 * mm, f"{appointment.person.full_name}　殿")
        pdf.setFont(FONT, 14)
        lines = [
            f"あなたを{appointment.branch.name}に配置する",
            f"{appointment.title}に委嘱します。",
            "",
            f"委嘱期間　{wareki.format_date(appointment.term_start)}から",
            f"　　　　　{wareki.format_date(appointment.fiscal_year.end)}まで",
        ]
        y = height - 115 * mm
        for line in lines:
            pdf.drawString(35 * mm, y, line)
            y -= 10 * mm
        pdf.setFont(FONT, 13)
        pdf.drawString(
            35 * mm, 75 * mm, wareki.format_date(appointment.appointed_on or appointment.term_start)
        )
        pdf.drawRightString(width - 30 * mm, 55 * mm, FEDERATION)
        pdf.drawRightString(width - 30 * mm, 45 * mm, "会　長")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _card(pdf: canvas.Canvas, x: float, y: float, appointment: Appointment) -> None:
    pdf.setLineWidth(0.6)
    pdf.roundRect(x, y, CARD_WIDTH, CARD_HEIGHT, 3 * mm)
    pdf.setFont(FONT, 14)
    pdf.drawString(x + 6 * mm, y + CARD_HEIGHT - 10 * mm, f"{appointment.get_role_display()}証")
    pdf.setFont(FONT, 7)
    pdf.drawString(x + 6 * mm, y + CARD_HEIGHT - 15 * mm, appointment.title)
    pdf.setFont(FONT, 13)
    pdf.drawString(x + 6 * mm, y + CARD_HEIGHT - 25 * mm, appointment.person.full_name)
    pdf.setFont(FONT, 8)
    pdf.drawString(x + 6 * mm, y + CARD_HEIGHT - 31 * mm, f"所属　{appointment.branch.name}")
    pdf.drawString(x + 6 * mm, y + CARD_HEIGHT - 36 * mm, f"番号　{appointment.number}")
    end = wareki.format_date(appointment.fiscal_year.end)
    pdf.drawString(
        x + 6 * mm,
        y + CARD_HEIGHT - 41 * mm,
        f"有効期間　{wareki.format_date(appointment.term_start)}〜{end}",
    )
    pdf.drawString(x + 6 * mm, y + 5 * mm, FEDERATION)
    pdf.rect(x + CARD_WIDTH - 28 * mm, y + CARD_HEIGHT - 40 * mm, 22 * mm, 28 * mm)
    pdf.setFont(FONT, 7)
    pdf.drawCentredString(x + CARD_WIDTH - 17 * mm, y + CARD_HEIGHT - 27 * mm, "写真")


def id_cards(appointments: list[Appointment]) -> bytes:
    """Ten cards per A4 page, with cutting margins, in the order given."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle("推進員証")
    width, height = A4
    left = (width - CARD_COLUMNS * CARD_WIDTH) / 2
    top = height - (height - CARD_ROWS * CARD_HEIGHT) / 2
    per_page = CARD_COLUMNS * CARD_ROWS
    for index, appointment in enumerate(appointments):
        slot = index % per_page
        if slot == 0 and index:
            pdf.showPage()
        column, row = slot % CARD_COLUMNS, slot // CARD_COLUMNS
        _card(pdf, left + column * CARD_WIDTH, top - (row + 1) * CARD_HEIGHT, appointment)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
