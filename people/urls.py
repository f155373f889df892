from django.urls import path, re_path

from people import appointment_views, coordinator_views, views

urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/postal/", views.postal_lookup, name="postal_lookup"),
    path("people/import/", views.person_import, name="person_import"),
    path("people/import/confirm/", views.person_import_confirm, name="person_import_confirm"),
    re_path(r"^people/export\.(?P<fmt>xlsx|csv)$", views.person_export, name="person_export"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/bank/", views.bank_account_edit, name="bank_account_edit"),
    path(
        "people/<int:person_pk>/appoint/", appointment_views.appointment_request, name="appointment_request"
    ),
    path("bank-codes/branches/", views.branch_codes, name="branch_codes"),
    path("bank-accounts/<int:pk>/reveal/", views.bank_account_reveal, name="bank_account_reveal"),
    path("appointments/", appointment_views.appointment_list, name="appointment_list"),
    path("appointments/decide/", appointment_views.appointment_decide_bulk, name="appointment_decide_bulk"),
    path("appointments/renew/", appointment_views.appointment_renew, name="appointment_renew"),
    re_path(
        r"^appointments/(?P<kind>letters|cards)\.pdf$",
        appointment_views.appointment_documents,
        name="appointment_documents",
    ),
    path("appointments/<int:pk>/", appointment_views.appointment_detail, name="appointment_detail"),
    path("appointments/<int:pk>/pledge/", appointment_views.appointment_pledge, name="appointment_pledge"),
    path("appointments/<int:pk>/decide/", appointment_views.appointment_decide, name="appointment_decide"),
    path("appointments/<int:pk>/revoke/", appointment_views.appointment_revoke, name="appointment_revoke"),
    path("appointments/<int:pk>/letter.pdf", appointment_views.appointment_letter, name="appointment_letter"),
    path("appointments/<int:pk>/card.pdf", appointment_views.appointment_card, name="appointment_card"),
    path("appointments/<int:pk>/work-days/", coordinator_views.work_days, name="work_days"),
    path(
        "appointments/<int:pk>/work-days/toggle/", coordinator_views.work_day_toggle, name="work_day_toggle"
    ),
    path(
        "appointments/<int:pk>/work-days/confirm/",
        coordinator_views.work_days_confirm,
        name="work_days_confirm",
    ),
    path("coordinators/allocation/", coordinator_views.allocation, name="allocation"),
    path("coordinators/allocation/<int:branch_pk>/", coordinator_views.allocation_set, name="allocation_set"),
    path("coordinators/pay/", coordinator_views.coordinator_pay, name="coordinator_pay"),
]
