from django.urls import path, re_path

from associations import views

urlpatterns = [
    path("associations/", views.association_list, name="association_list"),
    path("associations/new/", views.association_create, name="association_create"),
    path("associations/rate/", views.membership_rate, name="membership_rate"),
    path("associations/import/", views.association_import, name="association_import"),
    path("associations/import/confirm/", views.association_import_confirm, name="association_import_confirm"),
    re_path(r"^associations/export\.(?P<fmt>xlsx|csv)$", views.association_export, name="association_export"),
    path("associations/consultations/", views.consultation_list, name="consultation_list"),
    path("associations/consultations/new/", views.consultation_create, name="consultation_create"),
    path("associations/<int:pk>/", views.association_detail, name="association_detail"),
    path("associations/<int:pk>/edit/", views.association_edit, name="association_edit"),
    path("associations/<int:pk>/join/", views.association_join, name="association_join"),
    path("associations/<int:pk>/leave/", views.association_leave, name="association_leave"),
    path("associations/<int:pk>/close/", views.association_close, name="association_close"),
    path("associations/<int:pk>/incidents/", views.incident_add, name="incident_add"),
    path("associations/<int:pk>/employers/", views.employer_add, name="employer_add"),
]
