from django.urls import path, re_path

from roster import views

urlpatterns = [
    path("roster/", views.business_list, name="roster_business_list"),
    path("roster/businesses/<int:pk>/", views.business_detail, name="roster_business_detail"),
    path(
        "roster/businesses/<int:pk>/sources/<int:source>/separate/",
        views.source_separate,
        name="roster_source_separate",
    ),
    path("roster/import/", views.import_upload, name="roster_import_upload"),
    path("roster/import/mapping/", views.import_mapping, name="roster_import_mapping"),
    path("roster/import/<int:pk>/", views.import_job, name="roster_import_job"),
    path("roster/import/<int:pk>/retry/", views.import_retry, name="roster_import_retry"),
    path("roster/import/<int:pk>/choose/", views.import_choose, name="roster_import_choose"),
    re_path(r"^roster/export\.(?P<fmt>xlsx|csv)$", views.business_export, name="roster_business_export"),
    path("roster/import/<int:pk>/rejected.csv", views.import_rejected, name="roster_import_rejected"),
    path("roster/rollover/", views.rollover, name="roster_rollover"),
    path("roster/nta-feed/", views.nta_feeds, name="roster_nta_feeds"),
    path("roster/nta-feed/<int:pk>/", views.nta_feed, name="roster_nta_feed"),
    path("roster/reviews/", views.review_list, name="roster_review_list"),
    path("roster/reviews/<int:pk>/decide/", views.review_decide, name="roster_review_decide"),
]
