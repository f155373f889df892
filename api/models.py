"""Personal access tokens for the JSON API: named, with an expiry, revocable, each use
audited. Only a digest of the secret is kept; the secret is shown once, to its owner.

A token lives no longer than the credentials it was made with: it ends when its owner's password
changes or second factor is reset, and an administrator's token is bound to the authenticator
app that confirmed its making, ending with it."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    # The authenticator app whose code confirmed the making of an administrator's token.
    otp_device = models.ForeignKey(
        TOTPDevice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="二要素認証の端末",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "APIトークン"

    def __str__(self) -> str:
        return f"{self.name}（{self.hint}…）"

    def get_additional_data(self) -> dict:
        return {"branch_id": self.user.branch_id}

    @property
    def is_usable(self) -> bool:
        user = self.user
        return (
            self.revoked_at is None
            and self.expires_on >= timezone.localdate()
            and user.is_active
            and (user.credentials_changed_at is None or self.created_at > user.credentials_changed_at)
            and (not user.requires_otp or self.otp_device_id is not None)
        )

    def revoke(self) -> None:
        """Revoked, never deleted: the row stays, with its uses in the audit trail (the change is
        audited too, with who revoked it)."""
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "失効"
        if self.expires_on < timezone.localdate():
            return "期限切れ"
        if not self.user.is_active:
            return "無効（利用者が無効）"
        return "有効" if self.is_usable else "無効（パスワードまたは二要素認証の変更後）"

    @classmethod
    def issue(
        cls, *, user, name: str, expires_on, otp_device: TOTPDevice | None = None
    ) -> tuple["ApiToken", str]:
        """A new token and its secret; the secret is not stored and cannot be shown again. An
        administrator's token names the confirmed authenticator app that vouched for it."""
        if user.requires_otp and (
            otp_device is None or otp_device.user_id != user.pk or not otp_device.confirmed
        ):
            raise ValueError("管理者のトークンには、本人の二要素認証の確認が必要です。")
        secret = PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            hint=secret[: len(PREFIX) + 4],
            digest=digest_of(secret),
            expires_on=expires_on,
            otp_device=otp_device,
        )
        return token, secret


def revoke(tokens: models.QuerySet[ApiToken]) -> int:
    """Revoke ``tokens`` one by one (each audited); how many were still to revoke."""
    chosen = [token for token in tokens if token.revoked_at is None]
    for token in chosen:
        token.revoke()
    return len(chosen)
