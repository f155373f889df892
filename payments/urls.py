from django.urls import path

from payments import views

urlpatterns = [
    path("payments/rules/", views.rules_list, name="fee_rules"),
    path("payments/rules/<int:year>/", views.rules_edit, name="fee_rules_edit"),
    path("payments/my-month/", views.claim_preview, name="claim_preview"),
]
