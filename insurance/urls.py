from django.urls import path

from insurance import views

urlpatterns = [
    path("insurance/", views.insurance_home, name="insurance_home"),
    path("insurance/agents/new/", views.agent_create, name="agent_create"),
    path("insurance/agents/<int:pk>/", views.agent_detail, name="agent_detail"),
    path("insurance/agents/<int:pk>/staff/", views.staff_add, name="staff_add"),
    path("insurance/agents/<int:pk>/premiums/", views.premium_enter, name="premium_enter"),
    path("insurance/premiums/", views.premium_list, name="premium_list"),
    path("insurance/programs/", views.program_records, name="program_records"),
    path("insurance/statements/", views.statement_import, name="statement_import"),
    path("insurance/checklist/", views.checklist, name="agent_audit_checklist"),
    path("insurance/audits/", views.audit_list, name="agent_audit_list"),
    path("insurance/audits/new/", views.audit_create, name="agent_audit_create"),
    path("insurance/audits/<int:pk>/", views.audit_detail, name="agent_audit_detail"),
    path("insurance/audits/<int:pk>/answers/", views.audit_answer, name="agent_audit_answer"),
    path(
        "insurance/audits/<int:pk>/documents/",
        views.audit_document_upload,
        name="agent_audit_document_upload",
    ),
    path("insurance/audits/<int:pk>/findings/", views.finding_add, name="agent_finding_add"),
    path("insurance/audits/<int:pk>/close/", views.audit_close, name="agent_audit_close"),
    path("insurance/audit-documents/<int:pk>/", views.audit_document, name="agent_audit_document"),
    path("insurance/findings/<int:pk>/close/", views.finding_close, name="agent_finding_close"),
]
