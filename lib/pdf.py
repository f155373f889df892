"""The Japanese font every PDF embeds, and table-report building blocks shared by the documents."""

import io
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "IPAexGothic"
# IPAexGothic, shipped beside this module unmodified under the IPA Font License (lib/fonts/, with the
# licence and readme as it requires); embedding it makes the PDF readable anywhere.
FONT_FILE = Path(__file__).resolve().parent / "fonts" / "ipaexg.ttf"
pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=15, leading=20, spaceAfter=4)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)


def _cell(value: object) -> Flowable | str:
    if isinstance(value, Flowable):
        return value  # a Paragraph wraps long text within its column
    return f"{value:,}" if isinstance(value, int) else str(value)


def table(
    headers: list[str], rows: list[list[Any]], numeric_from: int = 1, widths: list[float] | None = None
) -> Table:
    """A ruled table with a shaded header; columns from ``numeric_from`` are right-aligned numbers."""
    cells = [headers] + [[_cell(v) for v in row] for row in rows]
    result = Table(cells, repeatRows=1, hAlign="LEFT", colWidths=widths)
    result.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 8.5),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return result


def report(
    title: str, sections: list[tuple[str, list[Any]]], *, subtitle: str = "", wide: bool = False
) -> bytes:
    """An A4 report: a title, then (heading, flowables) sections, with page numbers in the footer."""
    buffer = io.BytesIO()
    size = landscape(A4) if wide else A4

    def footer(canvas: Any, document: Any) -> None:
        canvas.setFont(FONT, 8)
        canvas.drawRightString(size[0] - 15 * mm, 10 * mm, f"{title}　{document.page}ページ")

    document = SimpleDocTemplate(
        buffer, pagesize=size, title=title, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm
    )
    story = [Paragraph(title, TITLE)]
    if subtitle:
        story.append(Paragraph(subtitle, BODY))
    for heading, flowables in sections:
        story += [Paragraph(heading, HEADING), *flowables, Spacer(1, 4 * mm)]
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
