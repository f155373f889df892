from django.urls import path

from targets import views

urlpatterns = [
    path("targets/", views.dashboard, name="dashboard"),
    path("targets/branch/", views.branch_dashboard, name="branch_dashboard"),
    path("targets/edit/", views.targets_edit, name="targets_edit"),
    path("targets/import/", views.targets_import, name="targets_import"),
    path("targets/split/", views.targets_split, name="targets_split"),
    path("targets/progress.xlsx", views.progress_form, name="progress_form"),
    path("targets/report.pdf", views.committee_report, name="committee_report"),
    # The roster's page of identification progress, counted by the one counting place.
    path("roster/progress/", views.identification, name="roster_progress"),
    # The council's outreach plan page loads its actuals from here.
    path("targets/plan-actuals/", views.plan_actuals, name="plan_actuals"),
]
