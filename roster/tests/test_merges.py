"""One business once within a file, and merges a person can take back (R-ROS-4)."""

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


def _kodaira_takahashi(tokyo):
    return make_business(
        tokyo,
        "有限会社高橋製作所",
        address="東京都小平市小川町1丁目2番3号",
        name_core="高橋製作所",
        legal_form="有限会社",
        address_key="小平市小川町1-2-3",
    )


def _kamata(staff, rows, tokyo, callbacks, *, encoding="cp932"):
    upload(staff, rows, tokyo, encoding=encoding)
    return run(staff, callbacks)


def _at_kamata():
    return Business.objects.filter(address_key="大田区蒲田5-13-14")


def test_rows_waiting_for_review_are_matched_against_each_other_and_later_files_R_ROS_4(
    staff, tokyo, django_capture_on_commit_callbacks
):
    # Two files name one company at one address while the first row still waits
    # against a namesake in 小平; both answered 「別の事業所」 made two businesses at one address.
    kodaira = _kodaira_takahashi(tokyo)
    first = _kamata(
        staff,
        "髙橋製作所,東京都大田区蒲田5丁目13番14号,,\r\n",
        tokyo,
        django_capture_on_commit_callbacks,
        encoding="utf-8-sig",
    )
    assert (first.added, first.to_review) == (0, 1)
    second = _kamata(
        staff, "高橋製作所,東京都大田区蒲田五丁目１３－１４,,\r\n", tokyo, django_capture_on_commit_callbacks
    )
    assert (second.added, second.to_review) == (0, 1)
    waiting = list(MatchReview.objects.order_by("pk"))
    assert [r.business for r in waiting] == [kodaira, kodaira]
    page = staff.get("/roster/reviews/").content.decode()
    assert page.count("有限会社高橋製作所</a>") == 2
    answers = [
        staff.post(f"/roster/reviews/{r.pk}/decide/", {"decision": "different"}, follow=True).content.decode()
        for r in waiting
    ]
    assert "同じ事業所と見られる確認待ちの行1件も、合わせて「別の事業所」としました。" in answers[0]
    assert "この組み合わせは既に判断されています。" in answers[1]
    kamata = _at_kamata().get()
    assert kamata.sources.count() == 2
    assert set(MatchReview.objects.values_list("decision", flat=True)) == {ReviewDecision.DIFFERENT}
    assert "確認を待つ組み合わせはありません。" in staff.get("/roster/reviews/").content.decode()
    # A later list naming the company again goes to that one business, nothing new, nothing asked.
    later = _kamata(
        staff,
        "髙橋製作所,東京都大田区蒲田5-13-14,,03-3731-0000\r\n",
        tokyo,
        django_capture_on_commit_callbacks,
    )
    assert (later.added, later.merged, later.to_review) == (0, 1, 0)
    assert _at_kamata().get().sources.count() == 3
    assert Business.objects.count() == 2


def test_a_later_row_like_only_a_waiting_row_waits_with_it_and_follows_its_answer_R_ROS_4(
    staff, tokyo, django_capture_on_commit_callbacks
):
    # The later row (its name cut short) is like no business on the roster, only like the row that
    # waits: it used to become a business of its own, a twin of whatever the answer made.
    kodaira = _kodaira_takahashi(tokyo)
    _kamata(
        staff,
        "髙橋製作所,東京都大田区蒲田5丁目13番14号,,\r\n",
        tokyo,
        django_capture_on_commit_callbacks,
        encoding="utf-8-sig",
    )
    review = MatchReview.objects.get()
    later = _kamata(
        staff, "高橋製作,東京都大田区蒲田五丁目１３－１４,,\r\n", tokyo, django_capture_on_commit_callbacks
    )
    assert (later.added, later.to_review) == (0, 1)
    staff.post(f"/roster/reviews/{review.pk}/decide/", {"decision": "same"})
    assert kodaira.sources.count() == 2 and not _at_kamata().exists()
    assert not MatchReview.objects.filter(decision=ReviewDecision.PENDING).exists()


def test_a_row_decided_another_business_joins_the_one_made_of_its_twin_R_ROS_4(
    staff, tokyo, django_capture_on_commit_callbacks
):
    # Two rows of one company wait against two different namesakes; each answered 「別の事業所」,
    # the second joins the business the first became instead of making a second one.
    kodaira = _kodaira_takahashi(tokyo)
    _kamata(
        staff,
        "髙橋製作所,東京都大田区蒲田5丁目13番14号,,\r\n",
        tokyo,
        django_capture_on_commit_callbacks,
        encoding="utf-8-sig",
    )
    hachioji = make_business(
        tokyo,
        "株式会社高橋製作",
        address="東京都八王子市元本郷町3丁目24番1号",
        name_core="高橋製作",
        legal_form="株式会社",
        address_key="八王子市元本郷町3-24-1",
    )
    _kamata(
        staff, "高橋製作,東京都大田区蒲田五丁目１３－１４,,\r\n", tokyo, django_capture_on_commit_callbacks
    )
    first, second = MatchReview.objects.order_by("pk")
    assert (first.business, second.business) == (kodaira, hachioji)
    staff.post(f"/roster/reviews/{first.pk}/decide/", {"decision": "different"})
    answer = staff.post(f"/roster/reviews/{second.pk}/decide/", {"decision": "different"}, follow=True)
    kamata = _at_kamata().get()
    assert kamata.sources.count() == 2
    assert f"名簿にある「{kamata.name}」（No.{kamata.pk}）の出典に加えました。" in answer.content.decode()


def test_separating_a_business_with_a_200_character_name_is_recorded(
    staff, tokyo, django_capture_on_commit_callbacks
):
    # The history's reason 「{name}」（No.…）から分離 is cut to its column, never refused by the database.
    core = "長" * 196
    upload(staff, f"株式会社{core},東京都新宿区西新宿1-2-3,,\r\n", tokyo)
    run(staff, django_capture_on_commit_callbacks)
    upload(staff, f"{core}株式会社,東京都新宿区西新宿1丁目2番3号,,\r\n", tokyo)
    run(staff, django_capture_on_commit_callbacks)
    business = Business.objects.get()
    second = business.sources.get(original__事業所名=f"{core}株式会社")
    staff.post(f"/roster/businesses/{business.pk}/sources/{second.pk}/separate/")
    separated = Business.objects.exclude(pk=business.pk).get()
    reason = separated.status_changes.get().reason
    assert (
        len(reason) == 200
        and reason.startswith("「株式会社長")
        and reason.endswith(f"…」（No.{business.pk}）から分離")
    )


def test_a_list_with_a_long_file_name_is_imported_and_its_history_names_it(
    staff, tokyo, django_capture_on_commit_callbacks
):
    # A file name may be 255 characters: the job keeps what fits its column, the history's
    # 「取込：{file}」 likewise, and PostgreSQL refuses neither.
    name = "名簿" * 124 + "2026年度.csv"
    upload(staff, "株式会社長名,東京都新宿区西新宿1-2-3,,\r\n", tokyo, name=name)
    job = run(staff, django_capture_on_commit_callbacks)
    # Cut before its extension, by which the worker reads the file.
    assert len(job.filename) == 200 and job.filename.endswith("名….csv")
    assert (job.status, job.added) == ("done", 1)
    business = Business.objects.get()
    reason = business.status_changes.get().reason
    assert len(reason) == 200 and reason.startswith("取込：名簿名簿")
