"""The NTA's difference file as routine.

The 法人番号公表サイト publishes, every business day, the corporations that were founded, renamed,
moved or closed (差分データ, the full file's layout; FORMATS.md). HQ uploads it, or a timer runs
``manage.py nta_diff``; every corporation in it is then settled against every branch at once:

- closed, merged away, struck off or deleted (process 21/71/81/99, or a closing date): a business
  of that corporate number still open on a roster is closed (廃業・移転) and leaves its worklist;
- renamed or moved: the business keeps its history and takes the new name or address, so the
  promoter goes to the right door (the change is in the audit trail, old and new);
- any other, on no roster yet: linked against the prefecture's registered workplaces like a full
  NTA file (roster.identification); candidates join the branch's roster, doubtful ones are listed.

Each branch touched gets an import job of its own (its page, its counts); the feed keeps the
summary per branch. Applying the same file twice changes nothing the second time.
"""

from pathlib import Path

import polars as pl
from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone

from kit.text import fill, fit_filename
from lib import cities, identify, normalize, nta
from org import revisions
from org.models import Branch, FiscalYear
from roster import identification
from roster.models import (
    OPEN_STATUSES,
    Business,
    BusinessStatus,
    EndReason,
    ImportJob,
    JobStatus,
    NtaFeed,
    SourceKind,
    StatusChange,
)
from roster.worklists import leave_worklists

PROCESSES = {
    "21": "閉鎖",
    "71": "吸収合併",
    "81": "商号の登記の抹消",
    "99": "削除",
}


def apply(feed: NtaFeed) -> None:
    """Settle every corporation of the feed's file; the feed ends DONE with its summary per branch."""
    rows = nta.current(nta.read(Path(feed.stored_file), identify.NTA_COLUMNS))
    ended = (pl.col("close_date").fill_null("") != "") | pl.col("process").is_in(nta.ENDED_PROCESSES)
    rows = rows.with_columns(ended.alias("ended"))
    NtaFeed.objects.filter(pk=feed.pk).update(progress=20, rows_read=rows.height)
    with set_actor(feed.created_by):
        closed = _close(feed, rows.filter(pl.col("ended")))
        NtaFeed.objects.filter(pk=feed.pk).update(progress=40)
        changed, known = _update(rows.filter(~pl.col("ended")))
        NtaFeed.objects.filter(pk=feed.pk).update(progress=60)
        fresh = rows.filter(~pl.col("ended") & ~pl.col("corporate_number").is_in(list(known)))
        jobs = _link_new(feed, fresh)
    branches = Branch.objects.in_bulk(set(closed) | set(changed) | set(jobs))
    summary = []
    for branch_id, branch in sorted(branches.items(), key=lambda item: item[1].prefecture_id):
        job = jobs.get(branch_id)
        summary.append(
            {
                "branch": branch_id,
                "支部": branch.name,
                "新規候補": job.added if job else 0,
                "既に名簿": job.merged if job else 0,
                "要確認": job.rejected if job else 0,
                "閉鎖": closed.get(branch_id, 0),
                "変更": changed.get(branch_id, 0),
                "job": job.pk if job else None,
            }
        )
    NtaFeed.move(feed.pk, JobStatus.DONE, progress=100, summary=summary, finished_at=timezone.now())


@transaction.atomic
def _close(feed: NtaFeed, ended: pl.DataFrame) -> dict[int, int]:
    """Open businesses of corporations that no longer exist: closed, off the worklists. Per branch."""
    reasons = {
        number: PROCESSES.get(process, "閉鎖") + (f"（{date}）" if date else "")
        for number, process, date in ended.select(
            "corporate_number", "process", pl.col("close_date").fill_null("")
        ).iter_rows()
    }
    businesses = Business.objects.filter(corporate_number__in=list(reasons), status__in=OPEN_STATUSES)
    counts: dict[int, int] = {}
    closing = [b for b in businesses.select_for_update() if b.can_close]
    leave_worklists(
        actor=feed.created_by,
        businesses=Business.objects.filter(pk__in=[b.pk for b in closing]),
        reason=EndReason.CLOSED,
    )
    for business in closing:
        business.set_status(
            BusinessStatus.CLOSED,
            by=feed.created_by,
            reason=fill(
                StatusChange,
                "reason",
                "法人番号公表サイト：{why}（{filename}）",
                why=reasons[business.corporate_number],
                filename=feed.filename,
            ),
        )
        counts[business.branch_id] = counts.get(business.branch_id, 0) + 1
    return counts


@transaction.atomic
def _update(current: pl.DataFrame) -> tuple[dict[int, int], set[str]]:
    """Businesses of corporations in the file take their registered name and address when these
    changed. Per branch; and every corporate number already on a roster (not new)."""
    by_number = {
        r["corporate_number"]: r
        for r in current.select(
            "corporate_number", "name", "prefecture_name", "city_name", "street_number"
        ).iter_rows(named=True)
    }
    counts: dict[int, int] = {}
    known: set[str] = set()
    touched: set[int] = set()
    for business in Business.objects.filter(corporate_number__in=list(by_number)).select_related(
        "prefecture"
    ):
        known.add(business.corporate_number)
        row = by_number[business.corporate_number]
        address = "".join(row[c] or "" for c in ("prefecture_name", "city_name", "street_number"))
        if business.status not in OPEN_STATUSES or (business.name, business.address) == (
            row["name"],
            address,
        ):
            continue
        business.name = row["name"]
        business.name_core, business.legal_form, _ = normalize.normalize_name(row["name"])
        business.address = address
        business.address_key = normalize.normalize_address(address)
        city = cities.city_of(address, business.prefecture.name)
        business.city, business.city_code = (city.name, city.code) if city else ("", "")
        business.save()  # audited: the old and the new name and address
        counts[business.branch_id] = counts.get(business.branch_id, 0) + 1
        touched.add(business.branch_id)
    revisions.touch(touched)
    return counts, known


def _link_new(feed: NtaFeed, fresh: pl.DataFrame) -> dict[int, ImportJob]:
    """Corporations on no roster, per prefecture, through the same identification as a full file."""
    branches = {b.prefecture.code: b for b in Branch.objects.select_related("prefecture")}
    fiscal_year = FiscalYear.for_date(timezone.localdate())
    jobs: dict[int, ImportJob] = {}
    for (code,), corporations in sorted(fresh.partition_by("prefecture_code", as_dict=True).items()):
        branch = branches.get(code)
        if branch is None:  # a foreign address (99_kokugai): no branch's outreach
            continue
        job = ImportJob.objects.create(
            branch=branch,
            fiscal_year=fiscal_year,
            kind=SourceKind.NTA,
            filename=fit_filename(ImportJob, "filename", feed.filename, prefix="差分 "),
            stored_file=feed.stored_file,
            status=JobStatus.RUNNING,
            created_by=feed.created_by,
            feed=feed,
        )
        identification.link_corporations(job, corporations)
        job.refresh_from_db()
        jobs[branch.pk] = job
    return jobs
