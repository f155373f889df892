"""One business once within a file, and merges a person can take back (issue 17, point 1; R-ROS-4)."""

import pytest

from audit.models import AuditEntry
from conftest import login, make_business
from roster.models import Business, BusinessSource, MatchReview, ReviewDecision, RosterEntry
from roster.tests.test_import import run, upload


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def staff(client, people):
    login(client, people["tokyo_staff"])
    return client


def test_a_doubtful_pair_within_one_file_waits_for_a_person_R_ROS_4(
    staff, tokyo, django_capture_on_commit_callbacks
):
    rows = (
        "株式会社みどり運送,東京都江東区豊洲1-2-3,,\r\n"
        "株式会社みどり運輸,東京都江東区豊洲1-2-5,,\r\n"  # similar name, next door: who knows
        "株式会社あおぞら建設,東京都江東区豊洲5-6-7,,\r\n"
    )
    upload(staff, rows, tokyo)
    job = run(staff, django_capture_on_commit_callbacks)
    assert (job.added, job.to_review) == (2, 1)
    review = MatchReview.objects.get()
    assert (review.business.name, review.incoming["name"]) == ("株式会社みどり運送", "株式会社みどり運輸")
    page = staff.get("/roster/reviews/").content.decode()
    assert "みどり運輸" in page and "みどり運送" in page
    staff.post(f"/roster/reviews/{review.pk}/decide/", {"decision": "different"})
    assert set(Business.objects.values_list("name", flat=True)) == {
        "株式会社みどり運送",
        "株式会社みどり運輸",
        "株式会社あおぞら建設",
    }
    # The same file again settles everything by the decisions: nothing new, nothing asked again.
    upload(staff, rows, tokyo)
    again = run(staff, django_capture_on_commit_callbacks)
    assert (again.added, again.to_review, again.merged) == (0, 0, 3)


def test_a_sure_pair_within_one_file_written_differently_is_one_business(
    staff, tokyo, django_capture_on_commit_callbacks
):
    rows = (
        "株式会社ミライ工業,東京都新宿区西新宿１－２－３,,\r\n"
        "ｶ)ﾐﾗｲｺｳｷﾞｮｳ,東京都新宿区西新宿2-5-1,,\r\n"  # another company: other name, other place
        "ミライ工業(株),東京都新宿区西新宿一丁目2番3号 5F,,\r\n"
        "株式会社ミライ工業所,東京都新宿区西新宿1-2-3,,\r\n"  # the name written longer, the same address
    )
    upload(staff, rows, tokyo)
    job = run(staff, django_capture_on_commit_callbacks)
    assert (job.added, job.to_review) == (2, 0)
    mirai = Business.objects.get(name="株式会社ミライ工業")
    assert mirai.sources.count() == 3


def test_two_corporate_numbers_are_two_businesses_however_alike(
    staff, tokyo, django_capture_on_commit_callbacks
):
    rows = "株式会社ミライ,東京都新宿区西新宿1-2-3,4011001098993,\r\n株式会社ミライ,東京都新宿区西新宿1-2-3,7000012050002,\r\n"
    upload(staff, rows, tokyo)
    job = run(staff, django_capture_on_commit_callbacks)
    assert (job.added, job.to_review) == (2, 0)


def test_merges_of_an_import_are_in_the_audit_trail(staff, tokyo, people, django_capture_on_commit_callbacks):
    first = make_business(
        tokyo,
        "株式会社ミライ",
        address="東京都新宿区西新宿1-2-3",
        name_core="ミライ",
        legal_form="株式会社",
        address_key="新宿区西新宿1-2-3",
    )
    upload(staff, "ミライ株式会社,東京都新宿区西新宿1丁目2番3号,,\r\n", tokyo)
    job = run(staff, django_capture_on_commit_callbacks)
    assert job.merged == 1
    entry = AuditEntry.objects.get(event="bulk_change", content_type__model="businesssource")
    assert entry.object_ids == [first.pk]
    assert (entry.actor, entry.branch) == (people["tokyo_staff"], tokyo)
    assert "list.csv" in entry.object_repr


def test_a_wrong_merge_is_taken_back_from_the_business_page_and_stays_apart(
    staff, tokyo, people, django_capture_on_commit_callbacks
):
    upload(staff, "株式会社ミライ,東京都新宿区西新宿1-2-3,,\r\n", tokyo)
    run(staff, django_capture_on_commit_callbacks)
    # A second list: the same name at the same address, but a person knows it is a sister company.
    upload(staff, "ミライ株式会社,東京都新宿区西新宿1丁目2番3号,,\r\n", tokyo)
    run(staff, django_capture_on_commit_callbacks)
    mirai = Business.objects.get()
    second = mirai.sources.get(original__事業所名="ミライ株式会社")
    page = staff.get(f"/roster/businesses/{mirai.pk}/").content.decode()
    assert "別の事業所として分ける" in page
    response = staff.post(f"/roster/businesses/{mirai.pk}/sources/{second.pk}/separate/")
    separated = Business.objects.exclude(pk=mirai.pk).get()
    assert response.url == f"/roster/businesses/{separated.pk}/"
    assert (separated.name, separated.address_key) == ("ミライ株式会社", "新宿区西新宿1-2-3")
    assert list(separated.sources.values_list("pk", flat=True)) == [second.pk]
    assert mirai.sources.count() == 1
    assert RosterEntry.objects.filter(business=separated).count() == 1
    assert "から分離" in separated.status_changes.get().reason
    # The person's decision is kept and audited: the source's move and the review.
    review = MatchReview.objects.get(business=mirai)
    assert (review.decision, review.decided_by) == (ReviewDecision.DIFFERENT, people["tokyo_staff"])
    assert AuditEntry.objects.filter(content_type__model="businesssource", object_id=second.pk).exists()
    # Importing the second list again puts its row with the separated business, not back together.
    upload(staff, "ミライ株式会社,東京都新宿区西新宿1丁目2番3号,,\r\n", tokyo)
    again = run(staff, django_capture_on_commit_callbacks)
    assert (again.added, again.merged, again.to_review) == (0, 1, 0)
    assert (mirai.sources.count(), separated.sources.count()) == (1, 1)
    # A business with one source has nothing to separate.
    assert "別の事業所として分ける" not in staff.get(f"/roster/businesses/{mirai.pk}/").content.decode()
    staff.post(f"/roster/businesses/{separated.pk}/sources/{second.pk}/separate/")
    assert Business.objects.count() == 2


def test_separating_is_for_the_branchs_staff_only(
    client, people, tokyo, osaka, django_capture_on_commit_callbacks
):
    business = make_business(tokyo, "株式会社ミライ")
    sources = [
        BusinessSource.objects.create(business=business, kind="list", original={"事業所名": n}, row_hash=n)
        for n in ["a", "b"]
    ]
    login(client, people["osaka_staff"])
    assert (
        client.post(f"/roster/businesses/{business.pk}/sources/{sources[1].pk}/separate/").status_code == 404
    )
    login(client, people["tokyo_promoter"])
    assert (
        client.post(f"/roster/businesses/{business.pk}/sources/{sources[1].pk}/separate/").status_code == 403
    )
    assert Business.objects.count() == 1
