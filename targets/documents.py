"""The progress management form (進捗管理様式): one workbook of the same layout for HQ and every
branch — one sheet per measure, branches as rows, months as columns (R-TGT-1)."""

from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from lib import fiscal, pdf, tables
from lib.fiscal import FISCAL_MONTHS

MONTH_HEADERS = [f"{m}月" for m in FISCAL_MONTHS]


def _rows(table: dict, national: bool, cells) -> list[list]:
    """A row per branch, and the national total when the table covers the nation."""
    rows = [[r["branch"].name, *cells(r)] for r in table["rows"]]
    if national:
        rows.append(["全国計", *cells(table)])
    return rows


def progress_workbook(progress: dict, national: bool) -> bytes:
    sheets = []
    for table in progress.values():
        rows = _rows(
            table, national, lambda r: [r["target"], *r["months"], r["actual"], r["rate"], r["projection"]]
        )
        sheets.append(
            (
                table["measure"].label,
                ["支部", "目標", *MONTH_HEADERS, "累計", "達成率（%）", "年度末見込み"],
                rows,
            )
        )
    return tables.write_workbook(sheets)


def targets_workbook(branches, measures: list, values: dict, national: dict) -> bytes:
    """Targets as a sheet to edit and import again: a row per branch, a column per measure."""
    rows = [[b.code, b.name, *[values.get((b.pk, m), "") for m in measures]] for b in branches]
    rows.append(["00", "全国（本部設定）", *[national.get(m, "") for m in measures]])
    return tables.write_workbook([("目標", ["支部コード", "支部", *[m.label for m in measures]], rows)])


def _chart(cumulative: list[int], target: int, plan: list[int] | None) -> Drawing:
    """Cumulative actual (and plan) by month against the target, labelled in Japanese."""
    drawing = Drawing(170 * mm, 58 * mm)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 10 * mm, 150 * mm, 44 * mm
    chart.data = [cumulative, [target] * 12] + ([fiscal.cumulative(plan)] if plan else [])
    chart.categoryAxis.categoryNames = MONTH_HEADERS
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = pdf.FONT, 7
    chart.valueAxis.valueMin = 0
    chart.lines[0].strokeColor, chart.lines[0].strokeWidth = colors.HexColor("#0d6efd"), 2
    chart.lines[1].strokeColor, chart.lines[1].strokeDashArray = colors.HexColor("#dc3545"), [4, 3]
    chart.lines[2].strokeColor = colors.HexColor("#6c757d")
    drawing.add(chart)
    legend = "青：実績（累計）　赤破線：目標" + ("　灰：計画（累計）" if plan else "")
    drawing.add(String(14 * mm, 1 * mm, legend, fontName=pdf.FONT, fontSize=7))
    return drawing


def committee_pdf(title: str, progress: dict, plans: dict | None = None) -> bytes:
    """The report for the promotion committee (推進委員会): per measure, the chart and the table —
    a branch's own row, or every branch with the national total."""
    sections = []
    for measure, table in progress.items():
        national = len(table["rows"]) > 1
        cumulative = fiscal.cumulative(table["months"])
        rows = _rows(
            table,
            national,
            lambda r: [
                r["target"],
                r["actual"],
                f"{r['rate']}%" if r["rate"] is not None else "—",
                r["projection"],
            ],
        )
        sections.append(
            (
                f"{table['measure'].label}（単位：{table['unit']}）",
                [
                    # The actual line stops at the current month, as on the pages.
                    _chart(
                        cumulative[: max(table["shown_months"], 1)],
                        table["target"],
                        (plans or {}).get(measure),
                    ),
                    pdf.table(["支部", "目標", "実績（累計）", "達成率", "年度末見込み"], rows),
                ],
            )
        )
    return pdf.report(title, sections, subtitle="全国労働保険事務組合連合会　未手続事業一掃推進委員会資料")
