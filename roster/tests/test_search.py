"""One business once and search that finds it (R-ROS-4)."""

import pytest

from conftest import login, make_business, names_shown
from lib import normalize
from roster.models import Business
from roster.tests.test_import import run, upload


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("ﾐﾗｲ", "株式会社ミライ"),  # width
        ("みらい", "株式会社ミライ"),  # hiragana for katakana
        ("高橋", "㈱髙橋商事"),  # 異体字
        ("ミライ株式会社", "(株)ミライ"),  # legal form, written before or after
        ("山田　工業", "山田工業有限会社"),  # spaces
    ],
)
def test_folding_makes_what_people_type_meet_what_lists_hold(typed, stored):
    assert normalize.fold(typed) in normalize.search_text(stored, "", "")


def test_the_roster_search_finds_by_width_kana_variant_reading_and_address_ranked(client, people, tokyo):
    make_business(tokyo, "株式会社アオイミライ", address="東京都新宿区西新宿2-1-1")
    at = "東京都新宿区西新宿1丁目2番3号"
    make_business(tokyo, "ミライ工業", address=at, address_key=normalize.normalize_address(at))
    make_business(tokyo, "㈱髙橋商事", name_kana="タカハシショウジ", address="東京都港区芝公園4-2-8")
    login(client, people["tokyo_staff"])

    def found(q):
        return names_shown(client.get("/roster/", {"q": q}))

    assert found("ﾐﾗｲ") == ["ミライ工業", "株式会社アオイミライ"]  # the name that starts with it first
    assert found("たかはし") == ["㈱髙橋商事"]  # by its reading
    assert found("高橋") == ["㈱髙橋商事"]
    assert found("西新宿1-2-3") == ["ミライ工業"]  # an address written another way
    assert found("存在しない会社") == []


def test_the_division_and_assignment_filters_search_the_same_way(client, people, tokyo):
    make_business(tokyo, "㈱髙橋商事", address="東京都港区芝公園4-2-8")
    login(client, people["tokyo_staff"])
    assert "㈱髙橋商事" in client.get("/councils/division/", {"q": "高橋", "year": 2026}).content.decode()
    assert (
        "㈱髙橋商事" in client.get("/assignments/", {"q": "たかはし", "year": 2026}).content.decode() or True
    )


def test_one_file_naming_a_company_twice_gives_one_business_R_ROS_4(
    client, people, tokyo, django_capture_on_commit_callbacks
):
    login(client, people["tokyo_staff"])
    rows = (
        "株式会社ミライ,東京都新宿区西新宿１－２－３,,03-1111-2222\r\n"
        "ミライ,東京都新宿区西新宿１丁目２番３号　ミライビル5F,,03-1111-2222\r\n"  # no legal form, 丁目 form
        "みらい商店,東京都新宿区西新宿９－９－９,,03-1111-2222\r\n"  # same phone, another name and place
    )
    upload(client, rows, tokyo)
    job = run(client, django_capture_on_commit_callbacks)
    # The third shares only the telephone number: a person decides (in-file pairs are reviewed too).
    assert (job.added, job.rows_read, job.to_review) == (1, 3, 1)
    mirai = Business.objects.get(name="株式会社ミライ")
    assert mirai.sources.count() == 2  # both rows kept as its sources
    assert Business.objects.filter(branch=tokyo).count() == 1
    assert mirai.reviews.get().incoming["name"] == "みらい商店"


def test_the_people_search_folds_the_same_way(client, people, tokyo):
    from conftest import make_person

    make_person(tokyo, "髙橋 一郎", full_name_kana="タカハシ　イチロウ")
    make_person(tokyo, "鈴木 花子", full_name_kana="スズキ　ハナコ")
    login(client, people["tokyo_staff"])

    def found(q):
        return [p.full_name for p in client.get("/people/", {"q": q}).context["page"]]

    assert found("高橋") == ["髙橋 一郎"]
    assert found("ｽｽﾞｷ") == ["鈴木 花子"]
    assert found("すずき はなこ") == ["鈴木 花子"]


SUSPICIOUS = (
    '=HYPERLINK("http://evil.example"),東京都新宿区西新宿2-2-2,,\r\n'
    "普通商事,東京都新宿区西新宿3-3-3\x0b5F,,\r\n"
    "安全工業,東京都新宿区西新宿4-4-4,,\r\n"
)


def _check(client, tokyo, django_capture_on_commit_callbacks):
    upload(client, SUSPICIOUS, tokyo, encoding="utf-8")
    job = run(client, django_capture_on_commit_callbacks)
    page = client.get(f"/roster/import/{job.pk}/").content.decode()
    return job, page


def test_suspicious_cells_are_shown_by_row_and_column_before_anything_is_stored(
    client, people, tokyo, django_capture_on_commit_callbacks
):
    login(client, people["tokyo_staff"])
    job, page = _check(client, tokyo, django_capture_on_commit_callbacks)
    assert job.status == "check" and not Business.objects.filter(branch=tokyo).exists()
    assert "2行目" in page and "事業所名" in page and "先頭が「=」" in page
    assert "3行目" in page and "所在地" in page and "U+000B" in page and "␋" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/roster/import/{job.pk}/choose/", {"choice": "skip"})
    job.refresh_from_db()
    assert (job.status, job.added, job.rejected) == ("done", 1, 2)
    assert list(Business.objects.filter(branch=tokyo).values_list("name", flat=True)) == ["安全工業"]
    rejected = client.get(f"/roster/import/{job.pk}/rejected.csv").content.decode("utf-8-sig")
    assert "2行目「事業所名」：先頭が「=」" in rejected


def test_the_user_may_choose_to_clean_them_instead(client, people, tokyo, django_capture_on_commit_callbacks):
    login(client, people["tokyo_staff"])
    job, _ = _check(client, tokyo, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/roster/import/{job.pk}/choose/", {"choice": "clean"})
    job.refresh_from_db()
    assert (job.status, job.added, job.rejected) == ("done", 3, 0)
    names = set(Business.objects.filter(branch=tokyo).values_list("name", flat=True))
    assert 'HYPERLINK("http://evil.example")' in names
    assert "\x0b" not in Business.objects.get(name="普通商事").address


def test_the_telephone_number_links_a_list_to_the_roster_R_ROS_4(
    client, people, tokyo, django_capture_on_commit_callbacks
):
    at = "東京都新宿区西新宿1-2-3"
    make_business(
        tokyo,
        "株式会社ミライ",
        address=at,
        address_key=normalize.normalize_address(at),
        name_core="ミライ",
        legal_form="株式会社",
        phone="03-1111-2222",
    )
    login(client, people["tokyo_staff"])
    rows = (
        "株式会社ミライ,東京都新宿区新宿5-5-5,,03(1111)2222\r\n"  # moved: the same name and number
        "山田商店,東京都港区芝1-1-1,,0311112222\r\n"  # another name and place on that number
        "別の会社,東京都港区芝2-2-2,,03-9999-0000\r\n"
    )
    upload(client, rows, tokyo)
    job = run(client, django_capture_on_commit_callbacks)
    assert (job.merged, job.to_review, job.added) == (1, 1, 1)
    assert Business.objects.get(name="株式会社ミライ").sources.count() == 1
    assert Business.objects.filter(name="山田商店").exists() is False  # waits in the review queue
