"""Signing in by username and password: Django's model backend, reading the user's branch with the user."""

from django.contrib.auth.backends import ModelBackend

from org.models import User


class UserBackend(ModelBackend):
    def get_user(self, user_id: int) -> User | None:  # type: ignore[override]  # Django types the id loosely
        # Every page's menu names the user's branch (User.affiliation): one query, not two.
        user = User._default_manager.select_related("branch").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
