"""Personal access tokens for the JSON API (issue 19): named, with an expiry, revocable, each use
audited. Only a digest of the secret is kept; the secret is shown once, to its owner."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX = "issou_"


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens", verbose_name="利用者"
    )
    name = models.CharField("名前", max_length=60, help_text="用途がわかる名前（例：支部の集計用Excel）")
    # The first characters of the secret, shown in lists so a person can tell their tokens apart.
    hint = models.CharField("識別用の先頭文字", max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    expires_on = models.DateField("有効期限")
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True)
    last_used_at = models.DateTimeField("最終利用日時", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "APIトークン"

    def __str__(self) -> str:
        return f"{self.name}（{self.hint}…）"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.user.branch_id}

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_on >= timezone.localdate() and self.user.is_active

    @classmethod
    def issue(cls, *, user, name: str, expires_on) -> tuple["ApiToken", str]:
        """A new token and its secret; the secret is not stored and cannot be shown again."""
        secret = PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            hint=secret[: len(PREFIX) + 4],
            digest=digest_of(secret),
            expires_on=expires_on,
        )
        return token, secret
