"""Papers for the council: the roster summarised by size, industry and area with the proposed division
(Excel and PDF), and the bureau's share as the Excel file the bureau receives (R-CNL-3)."""

from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from reportlab.platypus import Paragraph

from councils.division import entries
from councils.models import Side
from lib import pdf, tables, wareki
from org.models import Branch, FiscalYear
from roster.models import SIZE_BANDS, SIZE_UNKNOWN, BusinessStatus, RosterEntry, size_band

UNDIVIDED = "未分担"
COLUMNS = ["事業所数", "労働局（手続指導）", "支部（加入勧奨）", UNDIVIDED]
SIZE_ORDER = [label for _, label in reversed(SIZE_BANDS)] + [SIZE_UNKNOWN]


def _side_label(side: str | None) -> str:
    return Side(side).label if side else UNDIVIDED


def summary(branch: Branch, fiscal_year: FiscalYear) -> dict:
    """Counts of the year's open roster by size band, industry and city, each split by side."""
    rows = entries(branch, fiscal_year).values_list(
        "business__workers", "business__industry", "business__city", "allocation__side"
    )
    by: dict[str, defaultdict[str, Counter[str]]] = {
        "size": defaultdict(Counter),
        "industry": defaultdict(Counter),
        "city": defaultdict(Counter),
    }
    totals: Counter[str] = Counter()
    for workers, industry, city, side in rows:
        label = _side_label(side)
        for key, value in (
            ("size", size_band(workers)),
            ("industry", industry or "不明"),
            ("city", city or "不明"),
        ):
            by[key][value][label] += 1
        totals[label] += 1
    handed_over = RosterEntry.objects.filter(
        business__branch=branch, fiscal_year=fiscal_year, business__status=BusinessStatus.HANDED_OVER
    ).count()

    def table(counts: dict, order=None) -> list[list]:
        keys = order if order else sorted(counts, key=lambda k: (-sum(counts[k].values()), k))
        return [
            [key, sum(counts[key].values()), *(counts[key][c] for c in COLUMNS[1:])]
            for key in keys
            if key in counts
        ]

    return {
        "total": [["合計", sum(totals.values()), *(totals[c] for c in COLUMNS[1:])]],
        "size": table(by["size"], SIZE_ORDER),
        "industry": table(by["industry"]),
        "city": table(by["city"]),
        "handed_over": handed_over,
    }


def _title(branch: Branch, fiscal_year: FiscalYear) -> str:
    return f"{fiscal_year.label} {branch.name} 未手続事業名簿の概要と役割分担（案）"


def workbook(branch: Branch, fiscal_year: FiscalYear) -> bytes:
    data = summary(branch, fiscal_year)
    listing = (
        entries(branch, fiscal_year)
        .select_related("business", "allocation__meeting")
        .order_by("business__city_code", "business__name")
    )
    list_rows = (
        [
            e.business.name,
            e.business.city,
            e.business.address,
            e.business.industry,
            e.business.workers,
            size_band(e.business.workers),
            e.get_origin_display(),
            _side_label(getattr(e, "allocation", None) and e.allocation.side),
            e.allocation.basis if hasattr(e, "allocation") else "",
            e.allocation.meeting.reference if hasattr(e, "allocation") and e.allocation.meeting else "未確定",
        ]
        for e in listing.iterator(chunk_size=2000)
    )
    return tables.write_workbook(
        [
            (
                "概要",
                ["区分", *COLUMNS],
                data["total"] + [["労働局へ移管済み", data["handed_over"], "", "", ""]],
            ),
            ("規模別", ["労働者数", *COLUMNS], data["size"]),
            ("業種別", ["業種", *COLUMNS], data["industry"]),
            ("市区町村別", ["市区町村", *COLUMNS], data["city"]),
            (
                "分担案一覧",
                [
                    "事業所名",
                    "市区町村",
                    "所在地",
                    "業種",
                    "労働者数",
                    "規模",
                    "登載の経緯",
                    "分担",
                    "分担の根拠",
                    "決定",
                ],
                list_rows,
            ),
        ]
    )


def pdf_report(branch: Branch, fiscal_year: FiscalYear) -> bytes:
    data = summary(branch, fiscal_year)
    made = wareki.format_date(timezone.localdate())
    return pdf.report(
        _title(branch, fiscal_year),
        [
            (
                "1 概要",
                [
                    pdf.table(["区分", *COLUMNS], data["total"]),
                    Paragraph(f"労働局へ移管済み：{data['handed_over']:,}件", pdf.BODY),
                ],
            ),
            ("2 規模別（労働者数）", [pdf.table(["労働者数", *COLUMNS], data["size"])]),
            ("3 業種別", [pdf.table(["業種", *COLUMNS], data["industry"])]),
            ("4 市区町村別", [pdf.table(["市区町村", *COLUMNS], data["city"])]),
        ],
        subtitle=f"作成日：{made}　対象：{fiscal_year.label}の名簿のうち未成立・未移管の事業所",
    )


BUREAU_HEADERS = [
    "事業所名",
    "事業所名（カナ）",
    "法人番号",
    "郵便番号",
    "所在地",
    "市区町村",
    "電話番号",
    "業種",
    "労働者数",
    "分担の根拠",
    "決定した協議会",
]


def bureau_share(branch: Branch, fiscal_year: FiscalYear) -> bytes:
    """The businesses given to the bureau's procedural guidance, and nothing else."""
    return tables.write_workbook(
        [("手続指導対象事業所", BUREAU_HEADERS, bureau_share_rows(branch, fiscal_year))]
    )


def bureau_share_rows(branch: Branch, fiscal_year: FiscalYear) -> Iterator[list[Any]]:
    """The rows of the bureau's share, in the workbook's columns (BUREAU_HEADERS) and order."""
    share = (
        RosterEntry.objects.filter(
            business__branch=branch, fiscal_year=fiscal_year, allocation__side=Side.BUREAU
        )
        .select_related("business", "allocation__meeting")
        .order_by("business__city_code", "business__name")
    )
    return (
        [
            e.business.name,
            e.business.name_kana,
            e.business.corporate_number,
            e.business.postal_code,
            e.business.address,
            e.business.city,
            e.business.phone,
            e.business.industry,
            e.business.workers,
            e.allocation.basis,
            e.allocation.meeting.reference if e.allocation.meeting else "未確定（案）",
        ]
        for e in share.iterator(chunk_size=2000)
    )
