from django.urls import path

from home import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.health, name="health"),
    path("queues/", views.work_queues, name="work_queues"),
    path("queues/badge/", views.work_queue_badge, name="work_queue_badge"),
    path("queues/<slug:key>/", views.work_queue, name="work_queue"),
]
