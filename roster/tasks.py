"""Background work for the roster: an uploaded list is imported by the task queue's worker."""

import logging
from pathlib import Path

from django.utils import timezone
from django_tasks import task

from lib import nta, tables
from roster import identification, importing, ntafeed
from roster.models import ImportJob, JobStatus, NtaFeed, SourceKind

log = logging.getLogger(__name__)


@task()
def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("branch__prefecture", "fiscal_year").get(pk=job_id)
    if not ImportJob.move(job.pk, JobStatus.RUNNING, progress=5, error=""):
        return  # delivered twice: the first run did the work
    try:
        if job.kind == SourceKind.REGISTERED:
            identification.import_registered(job, Path(job.stored_file).read_bytes())
        elif job.kind == SourceKind.NTA:
            identification.import_nta(job, Path(job.stored_file))
        else:
            headers, rows = tables.read_table(
                job.filename, Path(job.stored_file).read_bytes(), keep_control_characters=True
            )
            if importing.CHOICE not in job.mapping and (
                found := importing.suspicious_cells(job, headers, rows)
            ):
                # Nothing is stored until the user has seen these cells and chosen.
                ImportJob.move(job.pk, JobStatus.CHECK, suspicious_cells=found[:200], progress=0)
                return
            importing.apply(job, importing.plan(job, headers, rows))
    except (tables.TableError, nta.NtaFormatError, ValueError) as error:
        _fail(job, str(error))
    except Exception:
        log.exception("import %s failed", job.pk)
        _fail(
            job,
            "取込中に予期しないエラーが発生しました。管理者に連絡してください。名簿は変更されていません。",
        )
        raise


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.move(job.pk, JobStatus.FAILED, error=message, finished_at=timezone.now())


@task()
def run_nta_feed(feed_id: int) -> None:
    """Apply an NTA difference file to every branch (roster.ntafeed); a failed one can be queued again."""
    feed = NtaFeed.objects.select_related("created_by").get(pk=feed_id)
    if not NtaFeed.move(feed.pk, JobStatus.RUNNING, progress=5, error=""):
        return
    try:
        ntafeed.apply(feed)
    except (nta.NtaFormatError, ValueError) as error:
        NtaFeed.move(feed.pk, JobStatus.FAILED, error=str(error), finished_at=timezone.now())
    except Exception:
        log.exception("NTA feed %s failed", feed.pk)
        NtaFeed.move(
            feed.pk,
            JobStatus.FAILED,
            error="差分データの処理中に予期しないエラーが発生しました。管理者に連絡してください。",
            finished_at=timezone.now(),
        )
        raise
