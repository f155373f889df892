from django.urls import path

from api import views

urlpatterns = [
    path("account/tokens/", views.token_list, name="token_list"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/<int:pk>/tokens/revoke/", views.user_tokens_revoke, name="user_tokens_revoke"),
]
