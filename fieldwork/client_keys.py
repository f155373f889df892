"""Send keys of field records bound to the person whose form made them (a shared phone).

A visit or enrolment form carries a ``client_key`` so that a draft sent twice is recorded once. The
key the server puts in a form names its owner and is signed with the site's secret: a draft left
on a shared phone by promoter A and sent while B is signed in is refused, never recorded as B's
visit (B would earn A's fee and the direct visit a success fee needs, D-4). A key made elsewhere (a
client of the API with its own UUIDs) names nobody and is taken as its sender's.
"""

import secrets
import uuid

from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare, salted_hmac

from org.models import User

_SALT = "issou.fieldwork.client_key"
# 16 bytes: the owner's id (4), a random part (6), the signature of both (6).
_OWNER, _NONCE = slice(0, 4), slice(4, 10)
_SIGNATURE = slice(10, 16)

NOT_YOURS = (
    "この記録は、この端末で別の方が入力したものです。あなたの記録としては送信できません。"
    "入力した本人がログインして送信してください。"
)


def _signature(owner_and_nonce: bytes) -> bytes:
    return salted_hmac(_SALT, owner_and_nonce).digest()[:6]


def client_key_for(user: User) -> uuid.UUID:
    """A new send key for a form shown to ``user``."""
    head = user.pk.to_bytes(4, "big") + secrets.token_bytes(6)
    return uuid.UUID(bytes=head + _signature(head))


def owner_of(key: uuid.UUID) -> int | None:
    """The id of the user whose form made ``key``; None for a key the server did not make."""
    raw = key.bytes
    if not constant_time_compare(_signature(raw[_OWNER] + raw[_NONCE]), raw[_SIGNATURE]):
        return None
    return int.from_bytes(raw[_OWNER], "big")


def check_client_key(user: User, key: uuid.UUID | None) -> None:
    """Refuse a key the server made for someone else's form."""
    owner = owner_of(key) if key else None
    if owner is not None and owner != user.pk:
        raise ValidationError(NOT_YOURS)
