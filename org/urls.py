from django.urls import path

from org import bureau_views, signin, views

urlpatterns = [
    path("otp/", signin.otp_verify, name="otp_verify"),
    path("otp/setup/", signin.otp_setup, name="otp_setup"),
    path("password/", views.password_change, name="password_change"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/otp-reset/", views.user_reset_otp, name="user_reset_otp"),
    path("org/branches/", views.branch_list, name="branch_list"),
    path("org/branches/<int:pk>/", views.branch_detail, name="branch_detail"),
    path("org/branches/<int:pk>/edit/", views.branch_edit, name="branch_edit"),
    path("org/blocks/", views.block_list, name="block_list"),
    path("org/blocks/<int:pk>/edit/", views.block_edit, name="block_edit"),
    path("org/fiscal-years/", views.fiscal_year_list, name="fiscal_year_list"),
    path("org/bureaus/", bureau_views.bureau_list, name="bureau_list"),
    path("org/bureaus/<int:pk>/", bureau_views.bureau_detail, name="bureau_detail"),
    path("org/bureaus/<int:pk>/edit/", bureau_views.bureau_edit, name="bureau_edit"),
    path("org/bureaus/<int:pk>/<str:kind>/new/", bureau_views.office_create, name="office_create"),
    path("org/offices/<str:kind>/<int:pk>/edit/", bureau_views.office_edit, name="office_edit"),
]
