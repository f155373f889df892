"""Office screens: the header fits a 1366 px screen with ログアウト visible; an
irreversible step asks first; the poster's print button works under the Content-Security-Policy."""

import uuid

import pytest
from django.utils import timezone

from conftest import make_appointment, make_business, make_person, make_user
from events.models import Dispatch
from fieldwork.models import Visit
from lib import wareki
from org.models import Branch, FiscalYear
from org.roles import Role
from payments.models import ClaimStatus, FeeClaim, FeeRules
from tests.browser.conftest import SHOTS, log_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_header_fits_an_office_screen_with_logout_visible(browser_page, live_server):
    make_user("hq_wide", Role.HQ_STAFF)
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, "hq_wide")
    logout = page.get_by_role("button", name="ログアウト")
    assert logout.is_visible()
    box = logout.bounding_box()
    # On the screen, and one line high: not pushed off, not squeezed into vertical text.
    assert box["x"] + box["width"] <= 1366 and box["height"] < 2.2 * box["width"] / 5
    assert page.get_by_test_id("bell").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "header_1366.png")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_submitting_a_claim_asks_first_and_a_no_sends_nothing(browser_page, live_server):
    tokyo = Branch.objects.get(prefecture__code="13")
    today = timezone.localdate()  # the server's day, in Japan
    year = wareki.fiscal_year_of(today)
    # This year's fee rules, as HQ would set them: FY2011's rates.
    rules = FeeRules.objects.get(fiscal_year__year=2011)
    rules.pk, rules.fiscal_year = None, FiscalYear.objects.get(year=year)
    rules.save()
    make_user("hq_for_claims", Role.HQ_ADMIN)
    promoter = make_user("tokyo_claimant", Role.PROMOTER, tokyo)
    appointment = make_appointment(make_person(tokyo, "申請 一郎", user=promoter), status="active", year=year)
    Visit.objects.create(
        business=make_business(tokyo, "申請商事", year=year),
        appointment=appointment,
        visited_on=today.replace(day=1),
        outcome="explained",
        client_key=uuid.uuid4(),
        recorded_by=promoter,
    )
    page = browser_page
    log_in(page, live_server.url, "tokyo_claimant")
    page.goto(f"{live_server.url}/payments/claims/")
    page.get_by_label("対象月").fill(f"{today:%Y-%m}")
    page.get_by_role("button", name="申請書を作成").click()
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="支部に提出する").click()
    page.wait_for_timeout(500)
    assert FeeClaim.objects.get().status == ClaimStatus.DRAFT
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="支部に提出する").click()
    page.get_by_text("支給申請を支部に提出しました").wait_for()
    assert FeeClaim.objects.get().status == ClaimStatus.SUBMITTED
    assert questions == ["この支給申請を支部に提出します。提出した後は取り消せません。よろしいですか？"] * 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_posters_print_button_works_under_the_csp(browser_page, live_server):
    tokyo = Branch.objects.get(prefecture__code="13")
    fiscal_year = FiscalYear.objects.get(year=wareki.fiscal_year_of(timezone.localdate()))
    staff = make_user("tokyo_poster_staff", Role.BRANCH_STAFF, tokyo)
    lecturer = make_appointment(
        make_person(tokyo, "講師 印刷"),
        role="lecturer",
        status="active",
        year=fiscal_year.year,
        requested_by=staff,
    )
    dispatch = Dispatch.objects.create(
        branch=tokyo,
        fiscal_year=fiscal_year,
        title="創業セミナー",
        organiser="商工会議所",
        held_on=timezone.localdate(),
        place="会館",
        lecturer=lecturer,
        created_by=staff,
    )
    page = browser_page
    console = []
    page.on("console", lambda message: console.append(message.text))
    # The browser's print dialog cannot be driven here: note that it was asked for.
    page.add_init_script("window.print = () => { window.__printed = true; };")
    log_in(page, live_server.url, "tokyo_poster_staff")
    page.goto(f"{live_server.url}/events/seminars/{dispatch.pk}/poster/")
    page.get_by_role("button", name="印刷").click()
    assert page.evaluate("window.__printed === true")
    assert not [text for text in console if "Content Security Policy" in text]
    # Printed, the page is the poster alone: no menu, no button.
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert page.get_by_test_id("poster").is_visible()


def _contrast(page, selector: str) -> float:
    """The WCAG contrast ratio of an element's text against the background it stands on."""
    return page.evaluate(
        """(selector) => {
        const element = document.querySelector(selector);
        const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
        const background = (node) => {
          for (; node; node = node.parentElement) {
            const colour = getComputedStyle(node).backgroundColor;
            if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") return rgb(colour);
          }
          return [255, 255, 255];
        };
        const luminance = ([r, g, b]) => {
          const [R, G, B] = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
          return 0.2126 * R + 0.7152 * G + 0.0722 * B;
        };
        const [a, b] = [luminance(rgb(getComputedStyle(element).color)), luminance(background(element))];
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      }""",
        selector,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_menu_text_has_aa_contrast_and_keyboard_focus_shows(browser_page, live_server):
    make_user("hq_keyboard", Role.HQ_STAFF)
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, "hq_keyboard")
    for selector in (".navbar .nav-link", "[data-testid=whoami]", ".navbar-brand", "main p"):
        assert _contrast(page, selector) >= 4.5, selector
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
