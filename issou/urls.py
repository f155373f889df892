from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api.v1 import api
from org.admin_site import configure_admin_site

configure_admin_site(admin.site)

handler400 = "api.views.bad_request"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("api.urls")),
    path("", include("people.urls")),
    path("", include("associations.urls")),
    path("", include("roster.urls")),
    path("", include("councils.urls")),
    path("", include("assignments.urls")),
    path("", include("fieldwork.urls")),
    path("", include("payments.urls")),
    path("", include("events.urls")),
    path("", include("insurance.urls")),
    path("", include("targets.urls")),
    path("", include("org.urls")),
    path("", include("notices.urls")),
    path("", include("home.urls")),
]
