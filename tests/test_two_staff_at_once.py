"""Every edit page, two staff at once: both open the page, each changes a different field;
whoever saves second is refused with the first one's change named, nothing is saved, and saving the
page then shown keeps both changes. In both orders.

The mechanism itself (kit.versions) is tested in kit/tests/test_versions.py."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client

from conftest import form_data, login, make_user
from councils.forms import plan_values
from councils.models import CouncilMeeting, OutreachPlan
from events.models import (
    Briefing,
    Dispatch,
    EventSettings,
    Meeting,
    MeetingIssue,
    Question,
    SeminarReport,
    Training,
)
from insurance.models import AgentAudit
from org.models import Association, Block, Branch, FiscalYear, InspectionOffice, LabourBureau, User
from org.roles import Role
from org.tests.test_every_url import tokyo_rows  # noqa: F401 (a fixture: one of every Tokyo record)
from payments.models import FeeRules
from people.models import Person


@dataclass
class Page:
    """An edit page: the record it edits, its address, who edits it, and what each of two changes."""

    record: Callable[[dict], Model]
    url: Callable[[Model], str]
    editors: tuple[str, str]  # keys of the ``people`` fixture, or "+role" for a second user of it
    first: dict[str, str]
    second: dict[str, str]
    setup: Callable[[dict], None] | None = None
    # The value a field holds in the database, as posted; by default the record's own attribute.
    stored: Callable[[Model, str], str] | None = None
    # Where the page posts, when not back to itself.
    post_url: Callable[[Model], str] | None = None


def _year() -> FiscalYear:
    return FiscalYear.objects.get(year=2026)


def _settings(people: dict) -> None:
    EventSettings.objects.get_or_create(fiscal_year=_year())


def _report(people: dict) -> None:
    dispatch = Dispatch.objects.get(title="創業セミナー")
    Dispatch.objects.filter(pk=dispatch.pk).update(participants=10)
    Person.objects.filter(pk=dispatch.lecturer.person_id).update(user=people["tokyo_lecturer"])
    SeminarReport.objects.create(
        dispatch=dispatch, participants=10, content="講義", written_by=people["tokyo_lecturer"]
    )


def _plan(people: dict) -> None:
    OutreachPlan.objects.create(
        branch=people["tokyo_staff"].branch,
        fiscal_year=_year(),
        branch_capacity=100,
        bureau_capacity=50,
        updated_by=people["tokyo_staff"],
    )


def _plan_value(plan: Model, field: str) -> str:
    plan.refresh_from_db()
    return str(plan_values(plan).get(field))


def _answered(people: dict) -> None:
    from insurance.models import AgentAudit, AuditAnswer, ChecklistItem

    audit = AgentAudit.objects.get()
    AuditAnswer.objects.create(
        audit=audit, item=ChecklistItem.objects.get(fiscal_year=audit.fiscal_year), answer="yes"
    )


def _answer_value(audit: Model, field: str) -> str:
    from insurance.models import AuditAnswer

    given = AuditAnswer.objects.get(audit=audit)
    return {"answer": given.answer, "comment": given.comment}[field.split("_")[0]]


def _item() -> str:
    from insurance.models import ChecklistItem

    return str(ChecklistItem.objects.get().pk)


def _issue_url(issue: Model) -> str:
    assert isinstance(issue, MeetingIssue)
    return f"/events/meetings/{issue.meeting_id}/?edit={issue.pk}"


PAGES = {
    "person": Page(
        lambda p: Person.objects.get(full_name="東京 太郎"),
        lambda r: f"/people/{r.pk}/edit/",
        ("tokyo_staff", "tokyo_admin"),
        {"phone": "03-2222-2222"},
        {"address_line": "丸の内2-2"},
    ),
    "association": Page(
        lambda p: Association.objects.get(name="東京 太郎事務組合"),
        lambda r: f"/associations/{r.pk}/edit/",
        ("tokyo_staff", "tokyo_admin"),
        {"phone": "03-3333-3333"},
        {"address": "東京都港区芝1-1"},
    ),
    "council": Page(
        lambda p: CouncilMeeting.objects.get(agenda="東京 太郎"),
        lambda r: f"/councils/{r.pk}/edit/",
        ("tokyo_staff", "tokyo_admin"),
        {"venue": "労働局会議室"},
        {"decisions": "名簿を分担する"},
    ),
    "branch": Page(
        lambda p: Branch.objects.get(prefecture__code="13"),
        lambda r: f"/org/branches/{r.pk}/edit/",
        ("hq_admin", "+hq_admin"),
        {"name": "東京支部（本所）"},
        {"block": "__other_block__"},
    ),
    "block": Page(
        lambda p: Block.objects.get(branches__prefecture__code="13"),
        lambda r: f"/org/blocks/{r.pk}/edit/",
        ("hq_admin", "+hq_admin"),
        {"name": "関東甲信越"},
        {"name": "関東"},
    ),
    "bureau": Page(
        lambda p: LabourBureau.objects.get(prefecture__code="13"),
        lambda r: f"/org/bureaus/{r.pk}/edit/",
        ("tokyo_staff", "tokyo_admin"),
        {"phone": "03-4444-4444"},
        {"department": "労働保険徴収課"},
    ),
    "office": Page(
        lambda p: InspectionOffice.objects.get(name="東京 太郎監督署"),
        lambda r: f"/org/offices/inspection/{r.pk}/edit/",
        ("tokyo_staff", "tokyo_admin"),
        {"phone": "03-5555-5555"},
        {"contact": "監督 次郎"},
    ),
    "user": Page(
        lambda p: p["tokyo_promoter"],
        lambda r: f"/users/{r.pk}/",
        ("tokyo_admin", "+tokyo_admin"),
        {"full_name": "推進 三郎"},
        {"email": "suishin@example.jp"},
    ),
    "event settings": Page(
        lambda p: EventSettings.objects.get(fiscal_year=_year()),
        lambda r: "/events/settings/2026/",
        ("hq_staff", "hq_admin"),
        {"dispatch_target": "7"},
        {"participant_target": "70"},
        setup=_settings,
    ),
    "briefing": Page(
        lambda p: Briefing.objects.get(title="東京 太郎説明会"),
        lambda r: f"/events/briefings/{r.pk}/edit/",
        ("tokyo_staff", "tokyo_admin"),
        {"venue": "区民会館"},
        {"presenter": "支部長"},
    ),
    "training": Page(
        lambda p: Training.objects.get(venue="東京 太郎会館"),
        lambda r: f"/events/trainings/{r.pk}/edit/",
        ("tokyo_staff", "tokyo_admin"),
        {"venue": "研修センター"},
        {"lecturers": "監督署"},
    ),
    "seminar": Page(
        lambda p: Dispatch.objects.get(title="創業セミナー"),
        lambda r: f"/events/seminars/{r.pk}/edit/",
        ("tokyo_staff", "tokyo_admin"),
        {"place": "産業会館"},
        {"organiser": "商工会"},
    ),
    # The lecturer writes the report: the same person at two desks (office and phone).
    "seminar report": Page(
        lambda p: SeminarReport.objects.get(dispatch__title="創業セミナー"),
        lambda r: f"/events/seminars/{r.dispatch_id}/report/",
        ("tokyo_lecturer", "tokyo_lecturer"),
        {"reactions": "熱心な質問"},
        {"requests": "次回も開催"},
        setup=_report,
    ),
    "question": Page(
        lambda p: Question.objects.get(text="参考になりましたか"),
        lambda r: f"/events/seminars/questions/?year=2026&edit={r.pk}",
        ("hq_staff", "hq_admin"),
        {"text": "役に立ちましたか"},
        {"order": "5"},
    ),
    "meeting": Page(
        lambda p: Meeting.objects.get(agenda="未手続事業の一掃"),
        lambda r: f"/events/meetings/{r.pk}/edit/",
        ("hq_staff", "hq_admin"),
        {"venue": "本部会議室"},
        {"participants": "関東の各支部"},
    ),
    "meeting issue": Page(
        lambda p: MeetingIssue.objects.get(issue="東京 太郎の課題"),
        _issue_url,
        ("hq_staff", "hq_admin"),
        {"follow_up": "本部で検討する"},
        {"status": "done"},
    ),
    "outreach plan": Page(
        lambda p: OutreachPlan.objects.get(branch=p["tokyo_staff"].branch),
        lambda r: f"/councils/plan/?branch={r.branch_id}&year=2026",
        ("tokyo_staff", "tokyo_admin"),
        {"branch_capacity": "300"},
        {"visits_4": "12"},
        setup=_plan,
        stored=_plan_value,
    ),
    "agent audit answers": Page(
        lambda p: AgentAudit.objects.get(),
        lambda r: f"/insurance/audits/{r.pk}/",
        ("hq_staff", "hq_admin"),
        {"answer___item__": "no"},
        {"comment___item__": "帳簿の写しを確認"},
        setup=_answered,
        stored=_answer_value,
        post_url=lambda r: f"/insurance/audits/{r.pk}/answers/",
    ),
    "fee rules": Page(
        lambda p: FeeRules.objects.get(fiscal_year__year=2011),
        lambda r: "/payments/rules/2011/",
        ("hq_staff", "hq_admin"),
        {"visit_fee": "2100"},
        {"tax_rate_percent": "8"},
    ),
}


def _client(people: dict, key: str, tokyo: Branch) -> tuple[Client, User]:
    if key.startswith("+"):
        role = people[key[1:]].role
        user = make_user(f"second_{key[1:]}", role, people[key[1:]].branch, full_name="二人目 花子")
    else:
        user = people[key]
    client = Client()
    login(client, user)
    return client, user


def _said(response) -> str:
    """The messages and field errors a page shows, for a failing assertion to tell."""
    return " / ".join(
        re.findall(
            r'class="(?:alert|invalid-feedback)[^"]*"[^>]*>(.*?)</div>', response.content.decode(), re.S
        )
    )


def _stored(spec: Page, record: Model, field: str) -> str:
    if spec.stored:
        return spec.stored(record, field)
    record.refresh_from_db()
    value: Any = getattr(record, record._meta.get_field(field).attname)
    return str(value)


@pytest.mark.parametrize("order", ["first then second", "second then first"])
@pytest.mark.parametrize("page", list(PAGES))
def test_two_staff_edit_different_fields_the_later_stale_save_is_refused_and_nothing_lost(
    people,
    tokyo,
    tokyo_rows,  # noqa: F811 (the fixture imported above)
    page,
    order,
):
    spec = PAGES[page]
    if spec.setup:
        spec.setup(people)
    record = spec.record(people)
    changes = [
        {name.replace("__item__", _item()): value for name, value in change.items()}
        for change in (spec.first, spec.second)
    ]
    for change in changes:
        if change.get("block") == "__other_block__":
            change["block"] = str(Block.objects.exclude(pk=tokyo.block_id).first().pk)
    editors = [_client(people, key, tokyo) for key in spec.editors]
    if order == "second then first":
        editors, changes = editors[::-1], changes[::-1]
    url = spec.url(record)
    target = spec.post_url(record) if spec.post_url else url
    pages = [form_data(client.get(url)) for client, _ in editors]
    (early, early_user), (late, _) = editors

    saved = early.post(target, {**pages[0], **{k: [v] for k, v in changes[0].items()}})
    assert saved.status_code == 302, _said(saved)
    refused = late.post(target, {**pages[1], **{k: [v] for k, v in changes[1].items()}})

    assert refused.status_code == 200
    text = refused.content.decode()
    assert f"この記録は保存の間に{early_user.full_name}さんが変更しました" in text, _said(refused)
    assert "あなたの入力は下に残っています" in text
    for field, value in changes[0].items():
        assert _stored(spec, record, field) == value
    for field, value in changes[1].items():
        if field not in changes[0]:
            assert _stored(spec, record, field) != value

    # The page shown keeps the later user's input with the earlier change filled in: saved, both stay.
    again = late.post(target, form_data(refused))
    assert again.status_code == 302, _said(again)
    kept = {**changes[0], **changes[1]}
    for field, value in kept.items():
        assert _stored(spec, record, field) == value


@pytest.mark.parametrize("order", ["first then second", "second then first"])
def test_two_hq_staff_set_targets_at_once_the_stale_grid_is_refused_and_nothing_lost(
    people, tokyo, osaka, order
):
    """The year's targets are one grid: Alice sets Tokyo's enrolments, Bob Osaka's, from the grid as
    they opened it; the later save is refused naming the other change, and saved again keeps both."""
    from targets.models import Target

    second_hq = make_user("second_hq_staff", Role.HQ_STAFF, full_name="二人目 花子")
    editors = [(Client(), people["hq_staff"]), (Client(), second_hq)]
    for client, user in editors:
        login(client, user)
    changes = [{f"t-{tokyo.pk}-enrolled": "120"}, {f"t-{osaka.pk}-enrolled": "80"}]
    if order == "second then first":
        editors, changes = editors[::-1], changes[::-1]
    pages = [
        form_data(client.get("/targets/edit/?year=2026"), having="version_read") for client, _ in editors
    ]
    (early, early_user), (late, _) = editors
    enrolled = Target.objects.filter(fiscal_year__year=2026, measure="enrolled")

    assert early.post("/targets/edit/", {**pages[0], **changes[0]}).status_code == 302
    refused = late.post("/targets/edit/", {**pages[1], **changes[1]})

    assert refused.status_code == 200
    text = refused.content.decode()
    assert f"この記録は保存の間に{early_user.full_name}さんが変更しました" in text
    branch = tokyo if order == "first then second" else osaka
    assert f"{branch.name} 保険関係成立「{changes[0][next(iter(changes[0]))]}」" in text
    assert enrolled.count() == 1
    shown = form_data(refused, having="version_read")
    assert all(shown[name] == [value] for change in changes for name, value in change.items())
    assert late.post("/targets/edit/", shown).status_code == 302
    assert dict(enrolled.values_list("branch", "value")) == {tokyo.pk: 120, osaka.pk: 80}


def test_the_api_reads_each_records_version_which_a_save_of_its_page_moves_on(client, people, tokyo):
    """A program reading through the API gets the version an edit page carries, and sees it move."""
    from api.tests.test_api import bearer
    from conftest import make_person, post_edit

    person = make_person(tokyo, phone="03-1111-1111")
    token = bearer(people["tokyo_staff"])
    assert client.get(f"/api/v1/people/{person.pk}", **token).json()["version"] == 1
    login(client, people["tokyo_staff"])
    assert post_edit(client, f"/people/{person.pk}/edit/", {"phone": "03-2222-2222"}).status_code == 302
    client.logout()
    assert client.get(f"/api/v1/people/{person.pk}", **token).json()["version"] == 2
    councils = client.get("/api/v1/councils", **token).json()["items"]
    assert all("version" in council for council in councils)


@pytest.mark.parametrize("order", ["first then second", "second then first"])
def test_two_staff_choose_a_promoters_areas_at_once_and_neither_choice_is_lost(people, tokyo, order):
    """Alice ticks 新宿区, Bob 八王子市, on the page as they opened it: the later save is refused
    naming the other's area, and the page then shown, saved, keeps both."""
    from conftest import make_appointment, make_person

    appointment = make_appointment(make_person(tokyo), status="active")
    url = f"/assignments/areas/{appointment.pk}/"
    editors = [(Client(), people["tokyo_staff"]), (Client(), people["tokyo_admin"])]
    for client, user in editors:
        login(client, user)
    ticks = ["13104", "13201"]  # 新宿区, 八王子市
    names = {"13104": "新宿区", "13201": "八王子市"}
    if order == "second then first":
        editors, ticks = editors[::-1], ticks[::-1]
    pages = [form_data(client.get(url), having="version_read") for client, _ in editors]
    (early, _), (late, _) = editors

    assert early.post(url, {**pages[0], "city": [ticks[0]]}).status_code == 302
    refused = late.post(url, {**pages[1], "city": [ticks[1]]})

    assert refused.status_code == 200
    assert f"担当地域「{names[ticks[0]]}を追加」" in refused.content.decode()
    assert list(appointment.areas.values_list("city_code", flat=True)) == [ticks[0]]
    shown = form_data(refused, having="version_read")
    assert sorted(shown["city"]) == sorted(ticks)
    assert late.post(url, shown).status_code == 302
    assert sorted(appointment.areas.values_list("city_code", flat=True)) == sorted(ticks)


@pytest.mark.parametrize("order", ["first then second", "second then first"])
def test_two_staff_enter_the_other_programs_grid_at_once_and_neither_figure_is_lost(people, tokyo, order):
    """A branch's monthly figures of the other programs are one grid: the later save of a stale
    grid is refused naming the other figure, and the grid then shown, saved, keeps both."""
    from insurance.models import ProgramRecord

    url = f"/insurance/programs/?branch={tokyo.pk}&year=2026"
    editors = [Client(), Client()]
    login(editors[0], people["tokyo_staff"])
    login(editors[1], people["tokyo_admin"])
    figures = [{"pension_members-5": "3"}, {"awards-6": "2"}]
    names = [people["tokyo_staff"].full_name, people["tokyo_admin"].full_name]
    if order == "second then first":
        editors, figures, names = editors[::-1], figures[::-1], names[::-1]
    pages = [form_data(client.get(url), having="version_read") for client in editors]

    assert editors[0].post(url, {**pages[0], **figures[0]}).status_code == 302
    refused = editors[1].post(url, {**pages[1], **figures[1]})

    assert refused.status_code == 200
    text = refused.content.decode()
    assert f"この記録は保存の間に{names[0]}さんが変更しました" in text
    [(cell, value)] = figures[0].items()
    assert f"月「{value}」" in text
    assert ProgramRecord.objects.count() == 1
    shown = form_data(refused, having="version_read")
    assert shown[cell] == [value] and shown[next(iter(figures[1]))] == [next(iter(figures[1].values()))]
    assert editors[1].post(url, shown).status_code == 302
    assert sorted(ProgramRecord.objects.values_list("program", "value")) == [
        ("awards", 2),
        ("pension_members", 3),
    ]
