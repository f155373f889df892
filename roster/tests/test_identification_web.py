"""Identification from the web: a registered list, then NTA data linked against it."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import login
from roster.models import Business, ImportJob, JobStatus, RegisteredWorkplace
from roster.tests.test_identify_command import (
    BRANCH,
    BY_NUMBER,
    CORPORATIONS,
    REGISTERED,
    SATO,
    TANAKA_1,
    YAMADA,
    nta_row,
    number,
)


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def post(client, branch, kind, name, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/roster/import/",
            {"file": SimpleUploadedFile(name, data), "kind": kind, "branch": branch.pk, "fiscal_year": 16},
        )
    assert response.status_code == 302, response.content.decode()
    return ImportJob.objects.latest("pk")


def registered_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [*REGISTERED, ["123", "番号不正", "東京都", "", "", ""]]
    )
    return buffer.getvalue().encode("cp932")


NEW = number("000000000099")


def nta_csv() -> bytes:
    buffer = io.StringIO()
    rows = [
        *CORPORATIONS,
        nta_row(99, NEW, "株式会社新規開業", "13", "東京都", "105", "文京区", "後楽1-3-61"),
    ]
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_hq_loads_a_national_registered_list_then_a_branch_identifies_from_nta(
    client, people, tokyo, django_capture_on_commit_callbacks
):
    login(client, people["hq_staff"])
    job = post(
        client, tokyo, "registered", "registered.csv", registered_csv(), django_capture_on_commit_callbacks
    )
    assert (job.status, job.added, job.rejected) == (JobStatus.DONE, 5, 1)
    assert RegisteredWorkplace.objects.filter(prefecture__code="27").count() == 1  # the Osaka branch office
    client.logout()
    login(client, people["tokyo_staff"])
    job = post(
        client, tokyo, "nta", "13_tokyo_all_20240430.csv", nta_csv(), django_capture_on_commit_callbacks
    )
    assert job.status == JobStatus.DONE, job.error
    on_roster = set(Business.objects.filter(branch=tokyo).values_list("corporate_number", flat=True))
    # Registered ones (by name and address, by number, a branch office elsewhere) stay out; Osaka's is not Tokyo's.
    assert not on_roster & {YAMADA, BY_NUMBER, BRANCH, SATO}
    assert TANAKA_1 not in on_roster  # doubtful: listed for a person, not added
    assert any(TANAKA_1 == row.get("法人番号") for row in job.rejected_rows)
    assert on_roster == {NEW} and job.added == 1  # the candidate joined the roster, with its source
    assert Business.objects.get(corporate_number=NEW).sources.get().kind == "nta"


def test_a_branch_may_load_only_its_own_prefectures_workplaces(
    client, people, tokyo, django_capture_on_commit_callbacks
):
    login(client, people["tokyo_staff"])
    job = post(
        client, tokyo, "registered", "registered.csv", registered_csv(), django_capture_on_commit_callbacks
    )
    assert set(RegisteredWorkplace.objects.values_list("prefecture__code", flat=True)) == {"13"}
    assert job.rejected == 3  # Kanagawa's, Osaka's and the broken number


def test_a_file_that_is_not_nta_data_fails_the_job_with_a_clear_message(
    client, people, tokyo, django_capture_on_commit_callbacks
):
    login(client, people["tokyo_staff"])
    job = post(client, tokyo, "nta", "wrong.csv", b"a,b\n1,2\n", django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED and "30列" in job.error
    assert "30列" in client.get(f"/roster/import/{job.pk}/").content.decode()
