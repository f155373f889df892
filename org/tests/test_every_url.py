"""Every URL of the site, walked for each kind of visitor.

ROUTES must name every URL pattern outside the Django admin: a new page without an entry here
fails test_every_route_is_listed, so no page escapes these checks.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from api.models import ApiToken
from associations.models import Consultation
from audit.models import AuditEntry
from conftest import login
from councils.models import CouncilFile, CouncilMeeting, Handover
from events.models import Briefing, BriefingAttendance, Dispatch, Meeting, MeetingIssue, Question, Training
from fieldwork.models import Enrolment, Evidence
from insurance.models import Agent, AgentAudit, AuditDocument, ChecklistItem, Finding
from notices.models import Notice
from org.models import Association, Block, FiscalYear, InspectionOffice, LabourBureau
from payments.models import FeeClaim, FeeRules, PaymentBatch
from people.models import Appointment, AppointmentRole, AppointmentStatus, BankAccount, Person
from roster.models import Business, BusinessSource, ImportJob, MatchReview, NtaFeed

# name: (method, the object its URL points at, status for a promoter of the same branch)
ROUTES = {
    "login": ("GET", None, None),
    "logout": ("POST", None, None),
    "home": ("GET", None, 200),
    "health": ("GET", None, 200),
    "work_queues": ("GET", None, 200),
    "work_queue_badge": ("GET", None, 200),
    "work_queue": ("GET", "queue", 200),
    "otp_verify": ("GET", None, 302),
    "otp_setup": ("GET", None, 302),
    "password_change": ("GET", None, 200),
    "token_list": ("GET", None, 200),
    "token_revoke": ("POST", "api_token", 404),
    "handover_answer": ("GET", "handover", 403),
    "notice_list": ("GET", None, 200),
    "notice_badge": ("GET", None, 200),
    "notice_read_all": ("POST", None, 302),
    "notice_preference": ("POST", None, 302),
    "notice_open": ("POST", "notice", 404),
    "user_list": ("GET", None, 403),
    "user_create": ("GET", None, 403),
    "user_detail": ("GET", "user", 403),
    "user_set_active": ("POST", "user", 403),
    "user_reset_otp": ("POST", "user", 403),
    "user_tokens_revoke": ("POST", "user", 403),
    "branch_list": ("GET", None, 200),
    "branch_detail": ("GET", "branch", 404),
    "branch_edit": ("GET", "branch", 403),
    "block_list": ("GET", None, 200),
    "block_edit": ("GET", "block", 403),
    "fiscal_year_list": ("GET", None, 200),
    "bureau_list": ("GET", None, 403),
    "bureau_detail": ("GET", "bureau", 403),
    "bureau_edit": ("GET", "bureau", 403),
    "office_create": ("GET", "bureau_office_new", 403),
    "office_edit": ("GET", "office", 403),
    "audit_list": ("GET", None, 403),
    "audit_detail": ("GET", "audit", 403),
    "person_list": ("GET", None, 403),
    "person_create": ("GET", None, 403),
    "postal_lookup": ("GET", None, 403),
    "person_import": ("GET", None, 403),
    "person_import_confirm": ("POST", None, 403),
    "person_export": ("GET", "xlsx", 403),
    "person_detail": ("GET", "person", 404),
    "person_edit": ("GET", "person", 403),
    "bank_account_edit": ("GET", "person", 403),
    "appointment_request": ("GET", "person", 403),
    "bank_account_reveal": ("POST", "bank_account", 403),
    "branch_codes": ("GET", None, 403),
    "appointment_list": ("GET", None, 403),
    "appointment_decide_bulk": ("POST", None, 403),
    "appointment_renew": ("POST", None, 403),
    "appointment_documents": ("POST", "letters", 403),
    "appointment_detail": ("GET", "appointment", 404),
    "appointment_pledge": ("POST", "appointment", 403),
    "appointment_decide": ("POST", "appointment", 403),
    "appointment_revoke": ("POST", "appointment", 403),
    "appointment_letter": ("GET", "appointment", 404),
    "appointment_card": ("GET", "appointment", 404),
    "work_days": ("GET", "appointment", 403),
    "work_day_toggle": ("POST", "appointment", 403),
    "work_days_confirm": ("POST", "appointment", 403),
    "association_list": ("GET", None, 403),
    "association_create": ("GET", None, 403),
    "membership_rate": ("GET", None, 403),
    "association_import": ("GET", None, 403),
    "association_import_confirm": ("POST", None, 403),
    "association_export": ("GET", "xlsx", 403),
    "consultation_list": ("GET", None, 403),
    "consultation_create": ("GET", None, 403),
    "association_detail": ("GET", "association", 403),
    "association_edit": ("GET", "association", 403),
    "association_join": ("POST", "association", 403),
    "association_leave": ("POST", "association", 403),
    "association_close": ("POST", "association", 403),
    "incident_add": ("POST", "association", 403),
    "employer_add": ("POST", "association", 403),
    "insurance_home": ("GET", None, 403),
    "agent_create": ("GET", None, 403),
    "agent_detail": ("GET", "agent", 403),
    "staff_add": ("POST", "agent", 403),
    "premium_enter": ("POST", "agent", 403),
    "premium_list": ("GET", None, 403),
    "program_records": ("GET", None, 403),
    "statement_import": ("POST", None, 403),
    "agent_audit_checklist": ("GET", None, 403),
    "agent_audit_list": ("GET", None, 403),
    "agent_audit_create": ("GET", None, 403),
    "agent_audit_detail": ("GET", "agent_audit", 403),
    "agent_audit_answer": ("POST", "agent_audit", 403),
    "agent_audit_document_upload": ("POST", "agent_audit", 403),
    "agent_finding_add": ("POST", "agent_audit", 403),
    "agent_audit_close": ("POST", "agent_audit", 403),
    "agent_audit_document": ("GET", "audit_document", 403),
    "agent_finding_close": ("POST", "finding", 403),
    "allocation": ("GET", None, 403),
    "allocation_set": ("POST", "branch", 403),
    "coordinator_pay": ("GET", None, 403),
    "roster_business_list": ("GET", None, 403),
    "roster_business_detail": ("GET", "business", 404),
    "roster_source_separate": ("POST", "source", 403),
    "roster_nta_feeds": ("GET", None, 403),
    "roster_nta_feed": ("GET", "nta_feed", 403),
    "roster_import_upload": ("GET", None, 403),
    "roster_import_mapping": ("GET", None, 403),
    "roster_import_job": ("GET", "import_job", 403),
    "roster_import_rejected": ("GET", "import_job", 403),
    "roster_review_list": ("GET", None, 403),
    "roster_progress": ("GET", None, 403),
    "roster_import_retry": ("POST", "import_job", 403),
    "roster_import_choose": ("POST", "import_job", 403),
    "roster_business_export": ("GET", "xlsx", 403),
    "roster_rollover": ("POST", None, 403),
    "roster_review_decide": ("POST", "review", 403),
    "council_list": ("GET", None, 403),
    "council_create": ("GET", None, 403),
    "council_detail": ("GET", "meeting", 403),
    "council_edit": ("GET", "meeting", 403),
    "council_file_upload": ("POST", "meeting", 403),
    "council_file": ("GET", "council_file", 403),
    "division": ("GET", None, 403),
    "division_preview": ("GET", None, 403),
    "division_apply": ("POST", None, 403),
    "division_change": ("POST", None, 403),
    "division_fix": ("POST", None, 403),
    "division_papers": ("GET", "xlsx", 403),
    "division_bureau_export": ("GET", None, 403),
    "handover_list": ("GET", None, 403),
    "handover_create": ("GET", "business", 403),
    "plan": ("GET", None, 403),
    "plan_actuals": ("GET", None, 403),
    "assignment_list": ("GET", None, 403),
    "assignment_assign": ("POST", None, 403),
    "assignment_split": ("POST", None, 403),
    "workload": ("GET", None, 403),
    "areas_edit": ("GET", "appointment", 403),
    "worklist": ("GET", None, 200),
    "visit_new": ("GET", "business", 404),
    "enrolment_new": ("GET", "business", 404),
    "enrolment_detail": ("GET", "enrolment", 404),
    "evidence_upload": ("POST", "enrolment", 404),
    "enrolment_confirm": ("POST", "enrolment", 403),
    "evidence_file": ("GET", "evidence", 404),
    "field_activity": ("GET", None, 403),
    "outreach_report": ("GET", "report", 404),
    "my_outreach_report": ("GET", "month", 302),  # this promoter has no appointment: back to the worklist
    "fee_rules": ("GET", None, 403),
    "fee_rules_edit": ("GET", "year", 403),
    "claim_list": ("GET", None, 200),
    "claim_build": ("POST", None, 302),
    "claim_detail": ("GET", "claim", 404),
    "claim_submit": ("POST", "claim", 404),
    "claim_pdf": ("GET", "claim", 404),
    "review_list": ("GET", None, 403),
    "lines_review": ("POST", None, 403),
    "claims_send": ("POST", None, 403),
    "hq_review": ("GET", None, 403),
    "lines_decide": ("POST", None, 403),
    "line_reverse": ("POST", "line", 403),
    "batch_list": ("GET", None, 403),
    "batch_create": ("POST", None, 403),
    "batch_detail": ("GET", "batch", 403),
    "batch_action": ("POST", "batch_approve", 403),
    "batch_file": ("GET", "batch", 403),
    "batch_document": ("GET", "batch_pdf", 403),
    "events_home": ("GET", None, 403),
    "event_settings": ("GET", "year", 403),
    "briefing_list": ("GET", None, 403),
    "briefing_create": ("GET", None, 403),
    "briefing_detail": ("GET", "briefing", 403),
    "briefing_edit": ("GET", "briefing", 403),
    "attendee_search": ("GET", "briefing", 403),
    "attendee_add": ("POST", "briefing", 403),
    "attendee_remove": ("POST", "attendee", 403),
    "training_list": ("GET", None, 403),
    "training_create": ("GET", None, 403),
    "training_report": ("GET", None, 403),
    "training_summary": ("GET", None, 403),
    "training_detail": ("GET", "training", 403),
    "training_edit": ("GET", "training", 403),
    "dispatch_list": ("GET", None, 403),
    "dispatch_create": ("GET", None, 403),
    "seminar_results": ("GET", None, 403),
    "question_list": ("GET", None, 403),
    "question_delete": ("POST", "question", 403),
    "dispatch_detail": ("GET", "dispatch", 403),
    "dispatch_edit": ("GET", "dispatch", 403),
    "dispatch_poster": ("GET", "dispatch", 403),
    "dispatch_report": ("GET", "dispatch", 403),
    "meeting_list": ("GET", None, 403),
    "meeting_create": ("GET", None, 403),
    "meeting_detail": ("GET", "event_meeting", 403),
    "meeting_edit": ("GET", "event_meeting", 403),
    "dashboard": ("GET", None, 403),
    "branch_dashboard": ("GET", None, 403),
    "targets_edit": ("GET", None, 403),
    "targets_import": ("POST", None, 403),
    "targets_split": ("POST", None, 403),
    "progress_form": ("GET", None, 403),
    "committee_report": ("GET", None, 403),
    # The seminar questionnaire is public: it shows the seminar's name and date, nothing else.
    "questionnaire": ("GET", "token", 200),
}
PUBLIC = {"login", "logout", "questionnaire", "health"}
BEFORE_OTP = {"otp_verify", "otp_setup", "logout"}

# What an administrator of another branch gets for a Tokyo object: 404 where the page is theirs
# to use but the row is not; 403 where the page is HQ's alone, whatever the id.
OTHER_BRANCH_STATUS = {
    "user_detail": 404,
    "user_set_active": 404,
    "user_reset_otp": 404,
    "user_tokens_revoke": 404,
    "branch_detail": 404,
    "branch_edit": 403,
    "block_edit": 403,
    "audit_detail": 404,
    "person_detail": 404,
    "person_edit": 404,
    "bank_account_edit": 404,
    "appointment_request": 404,
    "bank_account_reveal": 404,
    "appointment_detail": 404,
    "appointment_pledge": 404,
    "appointment_decide": 403,
    "appointment_revoke": 403,
    "appointment_letter": 404,
    "appointment_card": 404,
    "work_days": 404,
    "work_day_toggle": 404,
    "work_days_confirm": 404,
    # A promoter's own queue: another branch's administrator has no such queue.
    "work_queue": 404,
    "allocation_set": 403,
    "token_revoke": 404,
    # A notice is its person's alone.
    "notice_open": 404,
    "handover_answer": 404,
    "agent_detail": 404,
    "staff_add": 403,
    "premium_enter": 403,
    "agent_audit_detail": 404,
    "agent_audit_answer": 403,
    "agent_audit_document_upload": 403,
    "agent_finding_add": 403,
    "agent_audit_close": 403,
    "agent_audit_document": 404,
    "agent_finding_close": 403,
    "bureau_detail": 404,
    "bureau_edit": 404,
    "office_create": 404,
    "office_edit": 404,
    "association_detail": 404,
    "association_edit": 404,
    "association_join": 404,
    "association_leave": 404,
    "association_close": 404,
    "incident_add": 404,
    "employer_add": 404,
    "roster_business_detail": 404,
    "roster_source_separate": 404,
    # National, like the meetings: another branch opens the feed but reads only its own line.
    "roster_nta_feed": 200,
    "roster_import_job": 404,
    "roster_import_rejected": 404,
    "roster_review_decide": 404,
    "roster_import_retry": 404,
    "council_detail": 404,
    "council_edit": 404,
    "council_file_upload": 404,
    "council_file": 404,
    "handover_create": 404,
    "areas_edit": 404,
    "enrolment_new": 404,
    "enrolment_detail": 404,
    "evidence_upload": 404,
    "enrolment_confirm": 404,
    "evidence_file": 404,
    "outreach_report": 404,
    "claim_detail": 404,
    "claim_pdf": 404,
    "briefing_detail": 404,
    "briefing_edit": 404,
    "attendee_search": 404,
    "attendee_add": 404,
    "attendee_remove": 404,
    "training_detail": 404,
    "training_edit": 404,
    "dispatch_detail": 404,
    "dispatch_edit": 404,
    "dispatch_poster": 404,
    "dispatch_report": 404,
    "question_delete": 403,
    # Meetings are shared by every branch; another branch's issues raised there are not.
    "meeting_detail": 200,
    "meeting_edit": 403,
}


def _route_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            # The admin has its own checks; the API is walked with tokens (api/tests/test_api_walk.py).
            if pattern.namespace in ("admin", "api-v1"):
                continue
            yield from _route_names(pattern)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name


def _url(name, people, tokyo):
    target = ROUTES[name][1]
    if target is None:
        return reverse(name)
    if target in {"xlsx", "letters"}:
        return reverse(name, args=[target])
    if target == "line":
        return reverse(name, args=[1])
    if target in {"batch", "batch_approve", "batch_pdf"}:
        batch = PaymentBatch.objects.get()
        extra = {"batch": [], "batch_approve": ["approve"], "batch_pdf": ["pdf"]}[target]
        return reverse(name, args=[batch.pk, *extra])
    if target == "source":
        source = BusinessSource.objects.get(business__name="東京 太郎商事")
        return reverse(name, args=[source.business_id, source.pk])
    if target == "bureau_office_new":
        return reverse(name, args=[LabourBureau.objects.get(prefecture=tokyo.prefecture).pk, "inspection"])
    if target == "office":
        return reverse(name, args=["inspection", InspectionOffice.objects.get(name="東京 太郎監督署").pk])
    if target == "year":
        return reverse(name, args=[2011])
    if target == "queue":
        return reverse(name, args=["my_claims"])
    if target == "token":
        return reverse(name, args=[Dispatch.objects.get(branch=tokyo).token])
    if target == "month":
        return reverse(name, args=[2026, 10])
    if target == "report":
        appointment = Appointment.objects.get(person__full_name="東京 太郎")
        return reverse(name, args=[appointment.pk, 2026, 10])
    appointment = Appointment.objects.get(person__full_name="東京 太郎")
    pk = {
        "user": lambda: people["tokyo_staff"].pk,
        "branch": lambda: tokyo.pk,
        "block": lambda: Block.objects.first().pk,
        "audit": lambda: AuditEntry.objects.filter(branch=tokyo).latest("pk").pk,
        "person": lambda: appointment.person_id,
        "appointment": lambda: appointment.pk,
        "bank_account": lambda: appointment.person.bank_account.pk,
        "business": lambda: Business.objects.get(name="東京 太郎商事").pk,
        "import_job": lambda: ImportJob.objects.get(branch=tokyo).pk,
        "review": lambda: MatchReview.objects.get(business__branch=tokyo).pk,
        "nta_feed": lambda: NtaFeed.objects.get().pk,
        "meeting": lambda: CouncilMeeting.objects.get(branch=tokyo).pk,
        "council_file": lambda: CouncilFile.objects.get(meeting__branch=tokyo).pk,
        "enrolment": lambda: Enrolment.objects.get(business__branch=tokyo).pk,
        "evidence": lambda: Evidence.objects.get(enrolment__business__branch=tokyo).pk,
        "claim": lambda: FeeClaim.objects.get(appointment__branch=tokyo).pk,
        "briefing": lambda: Briefing.objects.get(branch=tokyo).pk,
        "attendee": lambda: BriefingAttendance.objects.get(briefing__branch=tokyo).pk,
        "training": lambda: Training.objects.get(branch=tokyo).pk,
        "dispatch": lambda: Dispatch.objects.get(branch=tokyo).pk,
        "question": lambda: Question.objects.get().pk,
        "event_meeting": lambda: Meeting.objects.get().pk,
        "association": lambda: Association.objects.get(branch=tokyo).pk,
        "bureau": lambda: LabourBureau.objects.get(prefecture=tokyo.prefecture).pk,
        "api_token": lambda: ApiToken.objects.get(user=people["tokyo_staff"]).pk,
        "notice": lambda: Notice.objects.get(user=people["tokyo_staff"]).pk,
        "handover": lambda: Handover.objects.get(business__branch=tokyo).pk,
        "agent": lambda: Agent.objects.get(association__branch=tokyo).pk,
        "agent_audit": lambda: AgentAudit.objects.get(agent__association__branch=tokyo).pk,
        "audit_document": lambda: AuditDocument.objects.get().pk,
        "finding": lambda: Finding.objects.get().pk,
    }[target]()
    return reverse(name, args=[pk])


def _request(client, name, url):
    return client.post(url) if ROUTES[name][0] == "POST" else client.get(url)


@pytest.fixture
def tokyo_rows(people, tokyo):
    """Tokyo's rows that every URL may point at, all named 東京 太郎 so a leak shows."""
    people["tokyo_staff"].full_name = "東京 太郎"
    people["tokyo_staff"].save()
    person = Person.objects.create(branch=tokyo, full_name="東京 太郎", full_name_kana="トウキョウ タロウ")
    BankAccount.objects.create(
        person=person,
        bank_code="0001",
        bank_name="みずほ",
        branch_code="001",
        branch_name="東京営業部",
        account_number="1234567",
        holder_kana="ﾄｳｷﾖｳ ﾀﾛｳ",
    )
    Appointment.objects.create(
        person=person,
        branch=tokyo,
        fiscal_year=FiscalYear.for_date(timezone.localdate()),
        role=AppointmentRole.COORDINATOR,
        status=AppointmentStatus.ACTIVE,
        requested_by=people["tokyo_staff"],
    )
    job = ImportJob.objects.create(
        branch=tokyo,
        fiscal_year=FiscalYear.for_date(timezone.localdate()),
        kind="list",
        filename="東京 太郎.csv",
        stored_file="/nonexistent",
        created_by=people["tokyo_staff"],
    )
    business = Business.objects.create(
        branch=tokyo,
        fiscal_year=job.fiscal_year,
        name="東京 太郎商事",
        prefecture=tokyo.prefecture,
        address="東京都千代田区1-1-1",
        name_core="東京太郎商事",
        address_key="千代田区1-1-1",
        identified_on=timezone.localdate(),
    )
    NtaFeed.objects.create(
        filename="diff.csv",
        created_by=people["hq_admin"],
        status="done",
        summary=[
            {
                "branch": tokyo.pk,
                "支部": "東京 太郎",
                "新規候補": 1,
                "既に名簿": 0,
                "要確認": 0,
                "閉鎖": 0,
                "変更": 0,
                "job": None,
            }
        ],
    )
    BusinessSource.objects.create(
        business=business, kind="list", job=job, original={"事業所名": "東京 太郎"}, row_hash="s"
    )
    MatchReview.objects.create(
        job=job, business=business, incoming={"name": "東京 太郎"}, row_hash="x", score=90
    )
    meeting = CouncilMeeting.objects.create(
        branch=tokyo,
        fiscal_year=job.fiscal_year,
        number="1",
        planned_on=job.fiscal_year.start,
        agenda="東京 太郎",
        created_by=people["tokyo_staff"],
    )
    enrolment = Enrolment.objects.create(
        business=business,
        kind="unified_both",
        insurance_number="13101123456000",
        enrolled_on=timezone.localdate(),
        recorded_by=people["tokyo_staff"],
    )
    Evidence.objects.create(
        enrolment=enrolment,
        kind="enrolment_notice",
        filename="東京 太郎.pdf",
        stored_name="no-such-evidence",
        size=1,
        content_type="application/pdf",
        uploaded_by=people["tokyo_staff"],
    )
    PaymentBatch.objects.create(
        fiscal_year=job.fiscal_year,
        quarter=1,
        transfer_date=timezone.localdate(),
        created_by=people["hq_admin"],
    )
    FeeClaim.objects.create(
        appointment=Appointment.objects.get(person__full_name="東京 太郎"),
        month=datetime.date(2026, 10, 1),
        rules=FeeRules.objects.get(fiscal_year__year=2011),
    )
    CouncilFile.objects.create(
        meeting=meeting,
        filename="東京 太郎.pdf",
        stored_name="no-such-file",
        size=1,
        content_type="application/pdf",
        uploaded_by=people["tokyo_staff"],
    )
    _event_rows(people, tokyo, job.fiscal_year, business)
    association = Association.objects.create(
        branch=tokyo, name="東京 太郎事務組合", representative="東京 太郎"
    )
    Consultation.objects.create(
        branch=tokyo,
        association=association,
        kind="joining",
        held_on=job.fiscal_year.start,
        summary="東京 太郎",
        recorded_by=people["tokyo_staff"],
    )
    bureau = LabourBureau.objects.get(prefecture=tokyo.prefecture)
    bureau.contact = "東京 太郎"
    bureau.save()
    InspectionOffice.objects.create(bureau=bureau, name="東京 太郎監督署")
    ApiToken.issue(user=people["tokyo_staff"], name="東京 太郎", expires_on=job.fiscal_year.end)
    Notice.objects.create(
        user=people["tokyo_staff"], key="walk", on=timezone.localdate(), title="東京 太郎への通知", url="/"
    )
    Handover.objects.create(
        business=Business.objects.create(
            branch=tokyo,
            fiscal_year=job.fiscal_year,
            name="東京 太郎移管商事",
            prefecture=tokyo.prefecture,
            address="東京都千代田区1-1-2",
            identified_on=timezone.localdate(),
            status="handed_over",
        ),
        fiscal_year=job.fiscal_year,
        handed_over_on=timezone.localdate(),
        reason="東京 太郎の事情",
        created_by=people["tokyo_staff"],
    )
    agent = Agent.objects.create(association=association, code="T1", registered_on=job.fiscal_year.start)
    ChecklistItem.objects.create(fiscal_year=job.fiscal_year, number=1, text="東京 太郎の項目")
    audit = AgentAudit.objects.create(
        agent=agent,
        fiscal_year=job.fiscal_year,
        sent_on=job.fiscal_year.start,
        answer_due=job.fiscal_year.start,
        created_by=people["hq_admin"],
    )
    Finding.objects.create(audit=audit, description="東京 太郎", action="是正", due_on=job.fiscal_year.start)
    AuditDocument.objects.create(
        audit=audit,
        filename="東京 太郎.pdf",
        stored_name="no-such-audit-document",
        size=1,
        content_type="application/pdf",
        uploaded_by=people["hq_admin"],
    )
    return AuditEntry.objects.filter(branch=tokyo).latest("pk")


def _event_rows(people, tokyo, fiscal_year, business):
    staff = people["tokyo_staff"]
    briefing = Briefing.objects.create(
        branch=tokyo,
        fiscal_year=fiscal_year,
        title="東京 太郎説明会",
        planned_on=fiscal_year.start,
        venue="会館",
        presenter="支部",
        created_by=staff,
    )
    BriefingAttendance.objects.create(briefing=briefing, business=business, name=business.name)
    Training.objects.create(
        branch=tokyo,
        fiscal_year=fiscal_year,
        held_on=fiscal_year.start,
        venue="東京 太郎会館",
        formats=["lecture"],
        lecturers="労働局",
        topics="加入勧奨",
        created_by=staff,
    )
    lecturer = Appointment.objects.create(
        person=Person.objects.create(branch=tokyo, full_name="講師 一郎", full_name_kana="コウシ イチロウ"),
        branch=tokyo,
        fiscal_year=fiscal_year,
        role=AppointmentRole.LECTURER,
        status=AppointmentStatus.ACTIVE,
        requested_by=staff,
    )
    # The public questionnaire shows the title and organiser, so those do not carry the name.
    Dispatch.objects.create(
        branch=tokyo,
        fiscal_year=fiscal_year,
        title="創業セミナー",
        organiser="商工会議所",
        held_on=fiscal_year.start,
        place="東京 太郎ホール",
        lecturer=lecturer,
        created_by=staff,
    )
    Question.objects.create(fiscal_year=fiscal_year, text="参考になりましたか", choices=["はい", "いいえ"])
    meeting = Meeting.objects.create(
        kind="block",
        fiscal_year=fiscal_year,
        block=tokyo.block,
        held_on=fiscal_year.start,
        venue="会場",
        participants="各支部",
        agenda="未手続事業の一掃",
        created_by=people["hq_admin"],
    )
    MeetingIssue.objects.create(
        meeting=meeting, branch=tokyo, issue="東京 太郎の課題", updated_by=people["hq_admin"]
    )


def test_every_route_is_listed():
    assert set(_route_names()) == set(ROUTES)


@pytest.mark.parametrize("name", sorted(set(ROUTES) - PUBLIC))
def test_anonymous_visitors_are_sent_to_login(client, people, tokyo, tokyo_rows, name):
    response = _request(client, name, _url(name, people, tokyo))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("name", sorted(set(ROUTES) - BEFORE_OTP - {"login"}))
def test_an_administrator_without_otp_reaches_no_page(client, people, tokyo, tokyo_rows, name):
    client.post("/login/", {"username": "tokyo_admin_t", "password": "correct-horse-battery-staple"})
    response = _request(client, name, _url(name, people, tokyo))
    assert response.status_code == 302
    assert response["Location"] == "/otp/"


@pytest.mark.parametrize("path", ["/admin/", "/admin/org/user/", "/admin/no-such-page/"])
def test_the_admin_is_closed_to_an_hq_admin_without_otp(client, people, path):
    client.post("/login/", {"username": "hq_admin_t", "password": "correct-horse-battery-staple"})
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/otp/"


def test_the_admin_opens_to_an_hq_admin_after_otp(client, people):
    login(client, people["hq_admin"])
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("who", ["hq_staff", "tokyo_staff", "tokyo_admin"])
def test_the_admin_is_closed_to_everyone_else(client, people, who):
    login(client, people[who])
    response = client.get("/admin/org/user/", follow=True)
    assert response.status_code == 403


@pytest.mark.parametrize("name", sorted(OTHER_BRANCH_STATUS))
def test_another_branchs_ids_are_refused(client, people, tokyo, tokyo_rows, name):
    login(client, people["osaka_admin"])
    response = _request(client, name, _url(name, people, tokyo))
    assert response.status_code == OTHER_BRANCH_STATUS[name]
    assert "東京 太郎" not in response.content.decode()


@pytest.mark.parametrize("name", sorted(set(ROUTES) - PUBLIC))
def test_a_promoter_reaches_only_their_own_pages(client, people, tokyo, tokyo_rows, name):
    login(client, people["tokyo_promoter"])
    response = _request(client, name, _url(name, people, tokyo))
    assert response.status_code == ROUTES[name][2]
    assert "東京 太郎" not in response.content.decode()


def test_verified_administrators_can_open_their_pages(client, people, tokyo, tokyo_rows):
    login(client, people["tokyo_admin"])
    for name in [
        "home",
        "user_list",
        "user_create",
        "user_detail",
        "branch_detail",
        "audit_list",
        "audit_detail",
    ]:
        assert _request(client, name, _url(name, people, tokyo)).status_code == 200, name


# Pages that work on one branch chosen by ?branch= (org.where): HQ picks any, a branch its own.
BRANCH_PAGES = [
    "/targets/branch/",
    "/targets/report.pdf",
    "/events/briefings/",
    "/events/trainings/",
    "/events/trainings/report.xlsx",
    "/councils/division/",
    "/councils/division/papers.xlsx",
    "/councils/division/bureau.xlsx",
    "/councils/plan/",
    "/targets/plan-actuals/",
    "/payments/review/",
    "/field/activity/",
    "/assignments/",
    "/assignments/workload/",
    "/associations/consultations/",
    "/insurance/premiums/",
    "/insurance/programs/",
]


@pytest.mark.parametrize("path", BRANCH_PAGES)
def test_a_colleague_opens_the_branch_page_and_another_branch_gets_404(
    client, people, tokyo, tokyo_rows, path
):
    login(client, people["tokyo_staff"])
    assert client.get(path, {"branch": tokyo.pk}).status_code == 200
    login(client, people["osaka_admin"])
    response = client.get(path, {"branch": tokyo.pk})
    assert response.status_code == 404
    assert "東京 太郎" not in response.content.decode()
