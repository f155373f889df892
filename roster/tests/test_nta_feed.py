"""The NTA difference file as routine: new, changed and closed corporations
settled against every branch's roster and the registered list, with a summary per branch."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from conftest import login, make_appointment, make_business, make_person
from org.models import FiscalYear
from roster.models import Business, BusinessStatus, ImportJob, JobStatus, NtaFeed, RegisteredWorkplace
from roster.tests.test_identify_command import nta_row, number

NEW_TOKYO = number("000000000101")
NEW_OSAKA = number("000000000102")
REGISTERED_ONE = number("000000000103")
CLOSING = number("000000000104")
MOVING = number("000000000105")
ABSORBED = number("000000000106")


def diff_csv() -> bytes:
    rows = [
        nta_row(1, NEW_TOKYO, "株式会社新規開業", "13", "東京都", "105", "文京区", "後楽1-3-61"),
        nta_row(2, NEW_OSAKA, "合同会社なにわ新設", "27", "大阪府", "128", "大阪市中央区", "本町2-2-2"),
        # Founded, but a registered workplace already (名称・所在地 match): not a candidate.
        nta_row(3, REGISTERED_ONE, "株式会社登録済", "13", "東京都", "101", "千代田区", "丸の内1-1-1"),
        nta_row(
            4,
            CLOSING,
            "株式会社閉店",
            "13",
            "東京都",
            "104",
            "中央区",
            "銀座1-1-1",
            process="21",
            close="2026-11-20",
        ),
        # Moved: one row for the move; a diff may also hold an earlier row of the same corporation.
        nta_row(5, MOVING, "株式会社引越", "13", "東京都", "104", "中央区", "銀座2-2-2", process="12"),
        nta_row(6, MOVING, "株式会社引越", "13", "東京都", "113", "新宿区", "西新宿2-8-1", process="12"),
        nta_row(
            7, ABSORBED, "大阪吸収株式会社", "27", "大阪府", "128", "大阪市中央区", "本町3-3-3", process="71"
        ),
    ]
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC).writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def rosters(tokyo, osaka, people):
    job = ImportJob.objects.create(
        branch=tokyo,
        fiscal_year=FiscalYear.objects.get(year=2026),
        kind="registered",
        filename="registered.csv",
        created_by=people["hq_staff"],
        status=JobStatus.DONE,
    )
    RegisteredWorkplace.objects.create(
        job=job,
        prefecture=tokyo.prefecture,
        insurance_number="13101000001000",
        name="㈱登録済",
        address="東京都千代田区丸の内一丁目1番1号",
    )
    closing = make_business(tokyo, "株式会社閉店", corporate_number=CLOSING, status=BusinessStatus.ALLOCATED)
    closing.assigned_to = make_appointment(make_person(tokyo))
    closing.save()
    moving = make_business(tokyo, "株式会社引越", corporate_number=MOVING, address="東京都中央区銀座2-2-2")
    absorbed = make_business(osaka, "大阪吸収株式会社", corporate_number=ABSORBED)
    return {"closing": closing, "moving": moving, "absorbed": absorbed}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def upload(client, django_capture_on_commit_callbacks, data=None, name="diff_20261127.csv"):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/roster/nta-feed/", {"file": SimpleUploadedFile(name, data or diff_csv())})
    assert response.status_code == 302, response.content.decode()
    return NtaFeed.objects.latest("pk")


def test_hq_uploads_a_diff_and_every_branch_gets_its_share(
    client, people, tokyo, osaka, rosters, django_capture_on_commit_callbacks
):
    login(client, people["hq_staff"])
    feed = upload(client, django_capture_on_commit_callbacks)
    assert feed.status == JobStatus.DONE, feed.error
    # New corporations on no roster and in no registered list: candidates on their own branch's roster.
    assert Business.objects.get(corporate_number=NEW_TOKYO).branch == tokyo
    assert Business.objects.get(corporate_number=NEW_OSAKA).branch == osaka
    assert not Business.objects.filter(corporate_number=REGISTERED_ONE).exists()
    # Closed and absorbed corporations: closed on the roster, off the promoter's worklist, with the reason.
    closing = Business.objects.get(pk=rosters["closing"].pk)
    assert (closing.status, closing.assigned_to) == (BusinessStatus.CLOSED, None)
    assert "閉鎖（2026-11-20）" in closing.status_changes.last().reason
    assert Business.objects.get(pk=rosters["absorbed"].pk).status == BusinessStatus.CLOSED
    # A move: the latest row of the corporation is the business's address now, and audited.
    moving = Business.objects.get(pk=rosters["moving"].pk)
    assert (moving.address, moving.address_key, moving.city) == (
        "東京都新宿区西新宿2-8-1",
        "新宿区西新宿2-8-1",
        "新宿区",
    )
    change = AuditEntry.objects.filter(content_type__model="business", object_id=moving.pk).latest("pk")
    assert "銀座2-2-2" in str(change.changes) and change.actor == people["hq_staff"]
    summary = {line["支部"]: line for line in feed.summary}
    assert {k: summary[tokyo.name][k] for k in ["新規候補", "閉鎖", "変更"]} == {
        "新規候補": 1,
        "閉鎖": 1,
        "変更": 1,
    }
    assert {k: summary[osaka.name][k] for k in ["新規候補", "閉鎖", "変更"]} == {
        "新規候補": 1,
        "閉鎖": 1,
        "変更": 0,
    }
    page = client.get(f"/roster/nta-feed/{feed.pk}/").content.decode()
    assert tokyo.name in page and osaka.name in page
    # The same file again changes nothing.
    again = upload(client, django_capture_on_commit_callbacks)
    assert all(line["新規候補"] == line["閉鎖"] == line["変更"] == 0 for line in again.summary)
    assert Business.objects.filter(corporate_number=NEW_TOKYO).count() == 1


def test_a_branch_sees_only_its_own_line_and_cannot_upload(
    client, people, tokyo, osaka, rosters, django_capture_on_commit_callbacks
):
    login(client, people["hq_staff"])
    feed = upload(client, django_capture_on_commit_callbacks)
    client.logout()
    login(client, people["tokyo_staff"])
    page = client.get(f"/roster/nta-feed/{feed.pk}/").content.decode()
    assert tokyo.name in page and osaka.name not in page
    tokyo_job = ImportJob.objects.get(feed=feed, branch=tokyo)
    assert client.get(f"/roster/import/{tokyo_job.pk}/").status_code == 200
    assert (
        client.get(f"/roster/import/{ImportJob.objects.get(feed=feed, branch=osaka).pk}/").status_code == 404
    )
    assert "nta-feed-upload" not in client.get("/roster/nta-feed/").content.decode()
    response = client.post("/roster/nta-feed/", {"file": SimpleUploadedFile("d.csv", diff_csv())})
    assert response.status_code == 403
    login(client, people["tokyo_promoter"])
    assert client.get(f"/roster/nta-feed/{feed.pk}/").status_code == 403


def test_a_file_that_is_not_nta_data_fails_with_a_japanese_message(
    client, people, django_capture_on_commit_callbacks
):
    login(client, people["hq_staff"])
    feed = upload(client, django_capture_on_commit_callbacks, data="名称,住所\r\nA,B\r\n".encode())
    assert feed.status == JobStatus.FAILED
    assert "30列" in feed.error
    assert "30列" in client.get(f"/roster/nta-feed/{feed.pk}/").content.decode()


def test_the_command_for_a_daily_timer(people, tokyo, osaka, rosters, tmp_path, settings):
    path = tmp_path / "diff_20261127.csv"
    path.write_bytes(diff_csv())
    out = io.StringIO()
    call_command("nta_diff", str(path), "--user", people["hq_staff"].username, stdout=out)
    assert "新規候補 1件" in out.getvalue() and "閉鎖 1件" in out.getvalue()
    assert NtaFeed.objects.get().status == JobStatus.DONE
    with pytest.raises(CommandError, match="本部の有効なユーザー"):
        call_command("nta_diff", str(path), "--user", people["tokyo_staff"].username)
