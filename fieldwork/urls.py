from django.urls import path

from fieldwork import views

urlpatterns = [
    path("field/", views.worklist, name="worklist"),
    path("field/businesses/<int:pk>/visit/", views.visit_new, name="visit_new"),
    path("field/businesses/<int:pk>/enrolment/", views.enrolment_new, name="enrolment_new"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path("enrolments/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("enrolments/<int:pk>/confirm/", views.enrolment_confirm, name="enrolment_confirm"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("field/activity/", views.activity_page, name="field_activity"),
    path("field/report/<int:pk>/<int:year>/<int:month>/", views.outreach_report, name="outreach_report"),
    path("field/report/<int:year>/<int:month>/", views.my_outreach_report, name="my_outreach_report"),
]
