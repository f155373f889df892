from django.urls import path

from assignments import views

urlpatterns = [
    path("assignments/", views.assignment_list, name="assignment_list"),
    path("assignments/assign/", views.assignment_assign, name="assignment_assign"),
    path("assignments/split/", views.assignment_split, name="assignment_split"),
    path("assignments/workload/", views.workload, name="workload"),
    path("assignments/areas/<int:pk>/", views.areas_edit, name="areas_edit"),
]
