from django.urls import path, re_path

from councils import views

urlpatterns = [
    path("councils/", views.council_list, name="council_list"),
    path("councils/new/", views.council_create, name="council_create"),
    path("councils/<int:pk>/", views.council_detail, name="council_detail"),
    path("councils/<int:pk>/edit/", views.council_edit, name="council_edit"),
    path("councils/<int:pk>/files/", views.council_file_upload, name="council_file_upload"),
    path("councils/files/<int:pk>/", views.council_file, name="council_file"),
    path("councils/division/", views.division_page, name="division"),
    path("councils/division/preview/", views.division_preview, name="division_preview"),
    path("councils/division/apply/", views.division_apply, name="division_apply"),
    path("councils/division/change/", views.division_change, name="division_change"),
    path("councils/division/fix/", views.division_fix, name="division_fix"),
    re_path(r"^councils/division/papers\.(?P<fmt>xlsx|pdf)$", views.division_papers, name="division_papers"),
    path("councils/division/bureau.xlsx", views.division_bureau_export, name="division_bureau_export"),
    path("councils/handovers/", views.handover_list, name="handover_list"),
    path("councils/handovers/new/<int:pk>/", views.handover_create, name="handover_create"),
    path("councils/handovers/<int:pk>/answer/", views.handover_answer, name="handover_answer"),
    path("councils/plan/", views.plan_page, name="plan"),
]
