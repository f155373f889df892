from django.urls import path

from fieldwork import views

urlpatterns = [
    path("field/", views.worklist, name="worklist"),
    path("field/businesses/<int:pk>/visit/", views.visit_new, name="visit_new"),
]
