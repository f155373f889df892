"""The progress management form (進捗管理様式): one workbook of the same layout for HQ and every
branch — one sheet per measure, branches as rows, months as columns (R-TGT-1)."""

from councils.services import FISCAL_MONTHS
from lib import tables

MONTH_HEADERS = [f"{m}月" for m in FISCAL_MONTHS]


def progress_workbook(progress: dict, national: bool) -> bytes:
    sheets = []
    for table in progress.values():
        rows = [
            [r["branch"].name, r["target"], *r["months"], r["actual"], r["rate"], r["projection"]]
            for r in table["rows"]
        ]
        if national:
            rows.append(
                [
                    "全国計",
                    table["target"],
                    *table["months"],
                    table["actual"],
                    table["rate"],
                    table["projection"],
                ]
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
