from django.urls import path

from notices import views

urlpatterns = [
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/badge/", views.notice_badge, name="notice_badge"),
    path("notices/read/", views.notice_read_all, name="notice_read_all"),
    path("notices/preference/", views.notice_preference, name="notice_preference"),
    path("notices/<int:pk>/open/", views.notice_open, name="notice_open"),
]
