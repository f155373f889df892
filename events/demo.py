"""Demo events for this year: in each branch with appointed promoters, a held and a planned employer
briefing attended by visited businesses and a training most promoters attended; the Tokyo lecturer's
seminars with questionnaire answers; the year's questions; the block meetings and the national meeting.
Keyed on the year's rows, so running again adds nothing."""

import datetime
import random
import secrets

from django.db import transaction
from django.utils import timezone

from events.models import (
    Briefing,
    BriefingAttendance,
    Dispatch,
    Meeting,
    MeetingIssue,
    Partner,
    Question,
    Response,
    Training,
    TrainingAttendance,
)
from fieldwork.models import Visit
from org.models import Block, Branch, FiscalYear, User
from people.models import Appointment, AppointmentRole, AppointmentStatus

QUESTIONS = [
    (
        "セミナーの内容は参考になりましたか",
        "one",
        ["とても参考になった", "参考になった", "あまり参考にならなかった"],
        True,
    ),
    ("労働保険の加入手続を知っていましたか", "one", ["知っていた", "聞いたことはある", "知らなかった"], True),
    (
        "関心を持った制度（いくつでも）",
        "many",
        ["労災保険", "雇用保険", "労働保険事務組合", "特別加入"],
        False,
    ),
    ("ご意見・ご要望", "text", [], False),
]


@transaction.atomic
def seed(*, size: str, seed: int) -> dict:
    rng = random.Random(seed)
    fiscal_year = FiscalYear.for_date(timezone.localdate())
    hq = User.objects.filter(role="hq_admin").order_by("pk").first()
    counts = {"説明会": 0, "研修": 0, "講師派遣": 0}
    # Branch by branch: one with briefings this year keeps them; the national events (questionnaire,
    # seminars, block meetings) are made once.
    if not Question.objects.filter(fiscal_year=fiscal_year).exists():
        questions = [
            Question.objects.create(fiscal_year=fiscal_year, order=n, text=t, kind=k, choices=c, required=r)
            for n, (t, k, c, r) in enumerate(QUESTIONS, start=1)
        ]
        counts["講師派遣"] = _seminars(rng, fiscal_year, questions, hq)
        _meetings(fiscal_year, hq)
    held = Briefing.objects.filter(fiscal_year=fiscal_year).values_list("branch", flat=True)
    for branch in (
        Branch.objects.filter(appointments__fiscal_year=fiscal_year).exclude(pk__in=held).distinct()
    ):
        staff = User.objects.filter(branch=branch, role="branch_staff").order_by("pk").first() or hq
        _briefings(rng, branch, fiscal_year, staff)
        _training(rng, branch, fiscal_year, staff)
        counts["説明会"] += 2
        counts["研修"] += 1
    return {f"{k}の追加": v for k, v in counts.items()}


def _briefings(rng, branch, fiscal_year, staff) -> None:
    held = Briefing.objects.create(
        branch=branch,
        fiscal_year=fiscal_year,
        title=f"{branch.prefecture.short_name}労働保険制度説明会",
        planned_on=fiscal_year.start + datetime.timedelta(days=70),
        held_on=fiscal_year.start + datetime.timedelta(days=70),
        partner=Partner.CHAMBER,
        partner_name=f"{branch.prefecture.short_name}商工会議所",
        venue=f"{branch.prefecture.short_name}商工会館",
        presenter=f"{branch.name} 促進員・労働局 適用担当",
        materials="本部作成パンフレット「労働保険の加入手続」",
        created_by=staff,
    )
    Briefing.objects.create(
        branch=branch,
        fiscal_year=fiscal_year,
        title=f"{branch.prefecture.short_name}事業主説明会（秋）",
        planned_on=fiscal_year.start + datetime.timedelta(days=200),
        venue="市民会館",
        presenter=f"{branch.name} 促進員",
        created_by=staff,
    )
    visited = list(
        Visit.objects.filter(business__branch=branch, visited_on__range=(fiscal_year.start, fiscal_year.end))
        .order_by("business")
        .values_list("business", "business__name")
        .distinct()[:200]
    )
    chosen = rng.sample(visited, k=len(visited) // 6)
    BriefingAttendance.objects.bulk_create(
        [
            BriefingAttendance(briefing=held, business_id=pk, name=name, people=rng.randint(1, 2))
            for pk, name in chosen
        ]
    )


def _training(rng, branch, fiscal_year, staff) -> None:
    training = Training.objects.create(
        branch=branch,
        fiscal_year=fiscal_year,
        held_on=fiscal_year.start + datetime.timedelta(days=60),
        venue=f"{branch.name}会議室",
        formats=["lecture", "group_work", "role_play"],
        lecturers="都道府県労働局 労働保険適用徴収担当",
        topics="戸別訪問の実施方法、事業主からの質問・照会への対応、雇用保険の加入手続",
        created_by=staff,
    )
    promoters = Appointment.objects.filter(
        branch=branch, fiscal_year=fiscal_year, status=AppointmentStatus.ACTIVE, role=AppointmentRole.PROMOTER
    ).values_list("pk", flat=True)
    TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(training=training, appointment_id=pk) for pk in promoters if rng.random() < 0.85]
    )


def _seminars(rng, fiscal_year, questions, hq) -> int:
    lecturer = Appointment.objects.filter(
        fiscal_year=fiscal_year, role=AppointmentRole.LECTURER, status=AppointmentStatus.ACTIVE
    ).first()
    if lecturer is None:
        return 0
    made = 0
    for n, organiser in enumerate(["千代田商工会議所", "新宿区 創業支援センター", "八王子商工会議所"]):
        dispatch = Dispatch.objects.create(
            branch=lecturer.branch,
            fiscal_year=fiscal_year,
            title=f"創業セミナー「はじめての労働保険」第{n + 1}回",
            organiser=organiser,
            held_on=fiscal_year.start + datetime.timedelta(days=40 + 50 * n),
            place=f"{organiser} セミナー室",
            lecturer=lecturer,
            participants=rng.randint(12, 30),
            created_by=hq,
        )
        Response.objects.bulk_create(
            [
                Response(dispatch=dispatch, device=secrets.token_hex(16), answers=_answers(rng, questions))
                for _ in range(dispatch.participants * 2 // 3)
            ]
        )
        made += 1
    return made


def _answers(rng, questions) -> dict:
    answers = {}
    for question in questions:
        if question.kind == "one":
            answers[str(question.pk)] = rng.choice(question.choices)
        elif question.kind == "many":
            answers[str(question.pk)] = rng.sample(question.choices, k=rng.randint(1, 2))
        elif rng.random() < 0.3:
            answers[str(question.pk)] = rng.choice(
                ["わかりやすかった", "手続の期限を知りたい", "資料がほしい"]
            )
    return answers


def _meetings(fiscal_year, hq) -> None:
    for block in Block.objects.all():
        meeting = Meeting.objects.create(
            kind="block",
            fiscal_year=fiscal_year,
            block=block,
            held_on=datetime.date(fiscal_year.year, 9, 20),
            venue=f"{block.name}ブロック会場",
            participants="厚生労働省、ブロック内の労働局・支部",
            agenda="未手続事業一掃の進捗と課題",
            created_by=hq,
        )
        branch = Branch.objects.filter(block=block).order_by("prefecture__code").first()
        if branch is not None:
            MeetingIssue.objects.create(
                meeting=meeting, branch=branch, issue="推進員の確保が難しい地域がある", updated_by=hq
            )
    Meeting.objects.create(
        kind="national",
        fiscal_year=fiscal_year,
        held_on=datetime.date(fiscal_year.year, 11, 13),
        venue="東京",
        participants="厚生労働省、全国の労働局・支部",
        agenda="全国労働保険未手続事業一掃会議",
        created_by=hq,
    )
