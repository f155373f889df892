"""Workflows on users and master data: who may give which role, and the checks before saving."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from org.models import Branch, User
from org.roles import BRANCH_ROLES, HQ_ROLES, Role


def assignable_roles(actor: User) -> list[Role]:
    """The roles ``actor`` may give: any for HQ administrators, branch roles for branch administrators."""
    if actor.role == Role.HQ_ADMIN:
        return list(Role)
    if actor.role == Role.BRANCH_ADMIN:
        return [role for role in Role if role in BRANCH_ROLES or role == Role.VIEWER]
    return []


def _check_role_and_branch(actor: User, role: str, branch: Branch | None) -> None:
    if role not in assignable_roles(actor):
        raise PermissionDenied("この役割を設定する権限がありません。")
    if actor.role == Role.BRANCH_ADMIN and (branch is None or branch.pk != actor.branch_id):
        raise PermissionDenied("自支部以外のユーザーは管理できません。")
    if role in HQ_ROLES and branch is not None:
        raise ValidationError({"branch": "本部の役割には所属支部を指定できません（空欄にしてください）。"})
    if role in BRANCH_ROLES and branch is None:
        raise ValidationError({"branch": "支部の役割には所属支部が必要です。"})


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    full_name_kana: str = "",
    email: str = "",
    role: str,
    branch: Branch | None = None,
    password: str,
    can_pay: bool = False,
) -> User:
    """Create an account; branch administrators may create accounts of their own branch only."""
    if actor.role == Role.BRANCH_ADMIN:
        branch = actor.branch
    _check_role_and_branch(actor, role, branch)
    user = User(
        username=username,
        full_name=full_name,
        full_name_kana=full_name_kana,
        email=email,
        role=role,
        branch=branch,
        can_pay=can_pay and actor.role == Role.HQ_ADMIN and branch is None,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    full_name: str,
    full_name_kana: str,
    email: str,
    role: str,
    branch: Branch | None = None,
    can_pay: bool | None = None,
) -> User:
    """Change an account's name, contact, role, branch or (HQ administrators only) payment permission."""
    if actor.role == Role.BRANCH_ADMIN:
        branch = actor.branch
    _check_role_and_branch(actor, role, branch)
    if user.pk == actor.pk and role != actor.role:
        raise ValidationError({"role": "自分自身の役割は変更できません。"})
    user.full_name = full_name
    user.full_name_kana = full_name_kana
    user.email = email
    user.role = role
    user.branch = branch
    if actor.role == Role.HQ_ADMIN and can_pay is not None:
        user.can_pay = can_pay and branch is None
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Disable or re-enable an account. Accounts are never deleted, so their history stays.

    A disabled user's sessions end at their next request: Django's ModelBackend refuses to
    load an inactive user from a session.
    """
    if user.pk == actor.pk and not active:
        raise ValidationError("自分自身を無効にすることはできません。")
    user.is_active = active
    user.save(update_fields=["is_active", "is_staff", "is_superuser"])
    return user


@transaction.atomic
def user_reset_otp(*, actor: User, user: User) -> int:
    """Remove a user's TOTP devices (a lost phone); they enrol a new one at their next login."""
    if user.pk == actor.pk:
        raise ValidationError("自分自身の二要素認証はリセットできません。")
    deleted: int = TOTPDevice.objects.filter(user=user).delete()[0]
    # A new second factor is new credentials: the API tokens made before it end (api.models).
    user.credentials_changed_at = timezone.now()
    user.save(update_fields=["credentials_changed_at"])
    # Devices are kept out of the audit trail (they hold the secret); the reset itself is not.
    AuditEntry.objects.log_create(
        user,
        force_log=True,
        action=AuditEntry.Action.UPDATE,
        changes={"二要素認証": ["登録済み", "リセット"]},
    )
    return deleted


@transaction.atomic
def user_set_password(*, user: User, password: str) -> User:
    validate_password(password, user)
    user.set_password(password)  # marks the credentials changed: older API tokens end
    user.save(update_fields=["password", "credentials_changed_at"])
    return user
