"""The changes of an audit entry as a person reads them: the field's Japanese label, the choice's
label, the related record's name, dates in 和暦 and Japan's time; internal bookkeeping left out."""

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from lib import wareki

# Bookkeeping a reader cannot use: a content hash (of a file, or of a token's secret) and the name a
# file is stored under.
NOT_SHOWN = {"digest", "stored_name"}
# How auditlog writes a relation seen from the other side (「associations.Consultation.None」): not
# a change of this record, so not a row.
RELATION_PLACEHOLDER = re.compile(r"^\w+\.\w+\.None$")


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


# Who did what, for fields whose model gives no Japanese label (Django then uses the field's name).
ACTORS = {
    "recorded": "記録",
    "uploaded": "登録",
    "created": "作成",
    "updated": "更新",
    "decided": "決定",
    "confirmed": "確認",
    "submitted": "提出",
    "approved": "承認",
    "reviewed": "審査",
    "revoked": "取消",
}


def _label(field: models.Field | Any) -> str:
    label = str(field.verbose_name)
    if label != field.name.replace("_", " "):
        return label
    if field.name.endswith("_by") and field.name[:-3] in ACTORS:
        return f"{ACTORS[field.name[:-3]]}した人"
    if field.is_relation and field.related_model is not None:
        return str(field.related_model._meta.verbose_name)
    return label


def _moment(text: str) -> str | None:
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) == 10:
        return wareki.format_date(value.date())
    # auditlog writes a moment as Django stores it, in UTC, with or without the offset.
    local = timezone.localtime(value if value.tzinfo else value.replace(tzinfo=datetime.UTC))
    return f"{wareki.format_date(local.date())} {local:%H:%M:%S}"


def _value(field: models.Field | Any, value: Any) -> str:
    if value is None or value in ("", "None", "[]") or value == []:
        return ""
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    if field.choices:
        labels = {str(key): str(label) for key, label in field.flatchoices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(value, bool) or str(value) in ("True", "False"):
        return "はい" if str(value) == "True" else "いいえ"
    if (field.many_to_one or field.one_to_one) and field.related_model is not None:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else f"削除された記録（ID {value}）"
    if isinstance(field, models.DateField) and isinstance(value, str) and (shown := _moment(value)):
        return shown
    return str(value)


def readable(model: type[models.Model] | None, changes: dict[str, Any] | None) -> list[Change]:
    rows = []
    for name, values in (changes or {}).items():
        if name in NOT_SHOWN or not isinstance(values, list) or len(values) != 2:
            continue
        if any(isinstance(v, str) and RELATION_PLACEHOLDER.match(v) for v in values):
            continue
        try:
            field = model._meta.get_field(name) if model is not None else None
        except Exception:  # a field since removed, or a note such as 二要素認証
            field = None
        if field is not None and (not field.concrete or field.many_to_many):
            continue  # a relation seen from the other side, or a set of links: not this record's value
        if field is None:
            rows.append(Change(name, *(str(v) if v not in (None, "None") else "" for v in values)))
            continue
        rows.append(Change(_label(field), _value(field, values[0]), _value(field, values[1])))
    return rows
