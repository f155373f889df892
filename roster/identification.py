"""Identification (把握) from the web: registered-workplace lists, and NTA data linked against them.

The same engine as ``manage.py identify`` (lib.identify): corporations of the branch's prefecture
that no registered workplace belongs to (未手続候補) join the roster through the same linking as
any list (roster.importing), so a corporation already on it gains a source, not a twin.
Doubtful ones (要確認) are not added; they are listed with the matching insurance number for a
person to check.
"""

from pathlib import Path

import polars as pl
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lib import identify, nta, numbers
from org.models import Prefecture
from roster import importing
from roster.models import ImportJob, JobStatus, RegisteredWorkplace

BRANCH_OFFICE = r"(支店|営業所|工場|事業所|出張所|支社|事務所|店舗)$"


@transaction.atomic
def import_registered(job: ImportJob, data: bytes) -> None:
    """Replace the registered-workplace lists of the prefectures in the file, all at once.

    The prefecture of a workplace is the first two digits of its labour insurance number
    (R-ENR-5). HQ may send a national list; a branch only its own prefecture's.
    """
    if not job.lock_unfinished():
        return
    frame = identify.read_registered(data)
    missing = [h for h in identify.REGISTERED_COLUMNS if h not in frame.columns]
    if missing:
        raise ValueError(f"適用事業の一覧に必須の列がありません：{'、'.join(missing)}")
    prefectures = {p.code: p for p in Prefecture.objects.all()}
    allowed = set(prefectures) if job.created_by.is_hq else {job.branch.prefecture.code}
    keep, rejected = [], []
    for line, row in enumerate(frame.iter_rows(named=True), start=2):
        number = "".join(ch for ch in numbers.digits(row["労働保険番号"] or "") if numbers.is_digits(ch))
        if len(number) != 14:
            rejected.append(
                {
                    "行": line,
                    "理由": f"{line}行目「労働保険番号」：14桁ではありません",
                    "事業所名": row["事業場名称"],
                }
            )
        elif number[:2] not in allowed:
            rejected.append(
                {
                    "行": line,
                    "理由": f"{line}行目「労働保険番号」：{job.branch}の番号ではありません",
                    "事業所名": row["事業場名称"],
                }
            )
        else:
            keep.append(
                RegisteredWorkplace(
                    prefecture=prefectures[number[:2]],
                    insurance_number=number,
                    name=row["事業場名称"] or "",
                    address=row["所在地"] or "",
                    corporate_number=(row.get("法人番号") or "").replace("-", ""),
                    job=job,
                )
            )
    RegisteredWorkplace.objects.filter(prefecture__code__in={w.insurance_number[:2] for w in keep}).delete()
    RegisteredWorkplace.objects.bulk_create(keep, batch_size=2000, ignore_conflicts=True)
    ImportJob.move(
        job.pk,
        JobStatus.DONE,
        progress=100,
        rows_read=frame.height,
        added=len(keep),
        rejected=len(rejected),
        rejected_rows=rejected,
        finished_at=timezone.now(),
    )


def import_nta(job: ImportJob, path: Path) -> None:
    """Link the prefecture's corporations against its registered workplaces; candidates join the roster."""
    code = job.branch.prefecture.code
    link_corporations(job, nta.read(path, identify.NTA_COLUMNS).filter(pl.col("prefecture_code") == code))


def link_corporations(job: ImportJob, corporations: pl.DataFrame) -> None:
    """Corporations of the job's prefecture (NTA columns) against its registered workplaces: the
    candidates join the roster through the import's linking, doubtful ones are listed; the job ends DONE."""
    # The prefecture's workplaces, and branch offices elsewhere that may belong to its corporations.
    elsewhere = Q(name__regex=BRANCH_OFFICE) & ~Q(prefecture=job.branch.prefecture)
    registered = pl.DataFrame(
        list(
            RegisteredWorkplace.objects.filter(Q(prefecture=job.branch.prefecture) | elsewhere).values_list(
                "insurance_number", "name", "address", "corporate_number"
            )
        ),
        schema=["労働保険番号", "事業場名称", "所在地", "法人番号"],
        orient="row",
    )
    ImportJob.objects.filter(pk=job.pk).update(progress=30)
    rows = identify.identify(corporations, registered).rows
    doubtful = [
        {
            "行": "",
            "理由": f"適用事業と類似（要確認）：労働保険番号 {r['一致労働保険番号']}",
            "事業所名": r["名称"],
            "所在地": r["所在地"],
            "法人番号": r["法人番号"],
        }
        for r in rows.filter(pl.col("判定") == identify.REVIEW).iter_rows(named=True)
    ]
    candidates = rows.filter(pl.col("判定") == identify.CANDIDATE)
    job.mapping = {"name": "名称", "address": "所在地", "corporate_number": "法人番号"}
    plan = importing.plan(job, list(candidates.columns), [list(r) for r in candidates.iter_rows()])
    plan.rejected += doubtful
    plan.rows_read = corporations.height
    importing.apply(job, plan)
