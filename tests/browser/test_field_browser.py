"""A promoter on a phone-sized screen records a visit where the network drops; it is sent when it returns."""

import time

import pytest
from django.utils import timezone

from assignments.services import assignments_assign
from conftest import make_appointment, make_business, make_person, make_user
from fieldwork.models import Enrolment, Visit
from lib import wareki
from org.models import Branch, FiscalYear
from org.roles import Role
from roster.models import BusinessStatus
from tests.browser.conftest import SHOTS, log_in

pytestmark = pytest.mark.browser


def _wait_for(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _assigned(username: str, person: str, business: str, **fields):
    """A Tokyo promoter signed up as ``username`` with ``business`` assigned, this fiscal year."""
    tokyo = Branch.objects.get(prefecture__code="13")
    year = wareki.fiscal_year_of(timezone.localdate())
    make_user(f"hq_for_{username}", Role.HQ_ADMIN)
    staff = make_user(f"{username}_staff", Role.BRANCH_STAFF, tokyo)
    promoter = make_user(username, Role.PROMOTER, tokyo)
    appointment = make_appointment(make_person(tokyo, person, user=promoter), status="active", year=year)
    assigned = make_business(tokyo, business, year=year, **fields)
    assignments_assign(
        actor=staff,
        branch=tokyo,
        fiscal_year=FiscalYear.objects.get(year=year),
        business_ids=[assigned.pk],
        appointment=appointment,
    )
    return appointment, assigned


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_visit_typed_offline_is_sent_once_when_the_connection_returns(browser_page, live_server):
    _, business = _assigned(
        "tokyo_field",
        "現場 花子",
        "圏外商店",
        status=BusinessStatus.ALLOCATED,
        phone="03-1234-5678",
        address="東京都青梅市1",
    )
    page = browser_page
    log_in(page, live_server.url, "tokyo_field")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/field/")
    page.get_by_role("link", name="訪問を記録").click()
    # With what is usually left as it is folded away, the form fits two screens of the phone.
    assert page.evaluate("document.documentElement.scrollHeight") <= 2 * 740
    page.get_by_label("説明した", exact=True).check()
    page.get_by_text("方法・同行者・面談者・説明した内容").click()
    page.get_by_label("労働保険制度の概要").check()
    page.get_by_text("次の対応・メモ").click()
    page.get_by_label("次の対応").fill("成立届の書き方を説明に再訪")
    page.context.set_offline(True)
    page.get_by_role("button", name="記録する").click()
    status = page.get_by_test_id("draft-status")
    status.get_by_text("端末に保存しました").wait_for()
    # The saved state shows beside the button the thumb is on, on the screen.
    button = page.get_by_role("button", name="記録する").bounding_box()
    shown = status.bounding_box()
    assert 0 <= shown["y"] and shown["y"] + shown["height"] <= 740
    assert 0 <= button["y"] - (shown["y"] + shown["height"]) < 40
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "visit_offline.png", full_page=True)
    assert not Visit.objects.exists()
    # Back online, the kept drafts go to the API in one batch, signed by the session.
    with page.expect_request(lambda r: r.url.endswith("/api/v1/visits/bulk") and r.method == "POST") as sent:
        page.context.set_offline(False)
    assert sent.value.post_data_json["visits"][0]["business_id"] == business.pk
    page.get_by_test_id("draft-status").get_by_text("送信しました").wait_for()
    assert _wait_for(lambda: Visit.objects.count() == 1)
    # Once sent, the form is closed: it cannot be sent again, and the way back is the button.
    assert not page.get_by_role("button", name="記録する").is_visible()
    page.get_by_role("link", name="担当事業所に戻る").first.wait_for()
    # Going online again, or reopening a page, sends nothing twice, and no message of the earlier
    # page waits on the next one.
    page.goto(f"{live_server.url}/field/")
    page.get_by_role("link", name="圏外商店").wait_for()
    assert page.locator("main .alert:visible").count() == 0
    assert Visit.objects.count() == 1
    visit = Visit.objects.get()
    assert (visit.next_action, visit.topics) == ("成立届の書き方を説明に再訪", ["system"])
    assert "訪問 1回" in page.content()
    page.screenshot(path=SHOTS / "worklist.png", full_page=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_promoter_records_an_enrolment_with_a_photo_of_the_notice(browser_page, live_server, tmp_path):
    _assigned("tokyo_enrolment", "成立 次郎", "成立予定商店", status=BusinessStatus.VISITED)
    photo = tmp_path / "成立届.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 2048)
    page = browser_page
    log_in(page, live_server.url, "tokyo_enrolment")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/field/")
    page.get_by_role("link", name="成立", exact=True).click()
    page.get_by_label("一元適用事業（労災保険のみ）").check()
    page.get_by_label("労働保険番号").fill("13-1-01-123456-000")
    page.get_by_label("保険関係成立届（写）").set_input_files(str(photo))
    page.get_by_role("button", name="成立を記録する").click()
    page.get_by_text("保険関係成立を記録しました").wait_for()
    assert "提出済 保険関係成立届（写）" in page.get_by_test_id("checklist").inner_text()
    enrolment = Enrolment.objects.get()
    assert (enrolment.kind, enrolment.insurance_number, enrolment.evidence.count()) == (
        "unified_rousai",
        "13101123456000",
        1,
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "enrolment.png", full_page=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_enrolment_typed_offline_goes_through_the_api_once_back_online(
    browser_page, live_server, tmp_path
):
    appointment, business = _assigned(
        "tokyo_offline_enrolment", "圏外 三郎", "山奥商店", status=BusinessStatus.VISITED
    )
    photo = tmp_path / "成立届.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 2048)
    page = browser_page
    log_in(page, live_server.url, "tokyo_offline_enrolment")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/field/businesses/{business.pk}/enrolment/")
    page.get_by_label("一元適用事業（労災保険のみ）").check()
    page.get_by_label("労働保険番号").fill("13-1-01-654321-000")
    page.get_by_label("保険関係成立届（写）").set_input_files(str(photo))
    page.context.set_offline(True)
    page.get_by_role("button", name="成立を記録する").click()
    status = page.get_by_test_id("draft-status")
    status.get_by_text("端末に保存しました").wait_for()
    assert "証拠書類は端末に保存できない" in status.inner_text()
    assert not Enrolment.objects.exists()
    with page.expect_request(
        lambda r: r.url.endswith("/api/v1/enrolments/bulk") and r.method == "POST"
    ) as sent:
        page.context.set_offline(False)
    assert sent.value.post_data_json["enrolments"][0]["insurance_number"] == "13-1-01-654321-000"
    status.get_by_text("送信しました").wait_for()
    assert _wait_for(lambda: Enrolment.objects.count() == 1)
    page.reload()
    assert Enrolment.objects.count() == 1
    enrolment = Enrolment.objects.get()
    assert (enrolment.kind, enrolment.evidence.count(), enrolment.appointment) == (
        "unified_rousai",
        0,
        appointment,
    )
