from django.urls import path, re_path

from payments import views

urlpatterns = [
    path("payments/rules/", views.rules_list, name="fee_rules"),
    path("payments/rules/<int:year>/", views.rules_edit, name="fee_rules_edit"),
    path("payments/claims/", views.claim_list, name="claim_list"),
    path("payments/claims/build/", views.claim_build, name="claim_build"),
    path("payments/claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("payments/claims/<int:pk>/submit/", views.claim_submit, name="claim_submit"),
    path("payments/claims/<int:pk>/form.pdf", views.claim_pdf, name="claim_pdf"),
    path("payments/review/", views.review_list, name="review_list"),
    path("payments/review/lines/", views.lines_review_view, name="lines_review"),
    path("payments/review/send/", views.claims_send_view, name="claims_send"),
    path("payments/hq-review/", views.hq_review, name="hq_review"),
    path("payments/hq-review/lines/", views.lines_decide_view, name="lines_decide"),
    path("payments/lines/<int:pk>/reverse/", views.line_reverse_view, name="line_reverse"),
    path("payments/batches/", views.batch_list, name="batch_list"),
    path("payments/batches/new/", views.batch_create, name="batch_create"),
    path("payments/batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    re_path(
        r"^payments/batches/(?P<pk>\d+)/(?P<action>approve|confirm|cancel)/$",
        views.batch_action,
        name="batch_action",
    ),
    path("payments/batches/<int:pk>/transfer.txt", views.batch_file, name="batch_file"),
    re_path(
        r"^payments/batches/(?P<pk>\d+)/documents\.(?P<fmt>pdf|xlsx)$",
        views.batch_document,
        name="batch_document",
    ),
]
