"""Two people editing one record: a save of a record changed since its page was read is refused,
saying who changed what, with the user's input kept.

Every edit page used to save the whole record it read, so two staff editing one person (one the
address, the other the phone) silently overwrote each other. A versioned model counts its edits
(``version``). Its edit form carries, hidden, the version read and the values it showed (signed),
and saves only after ``UPDATE … SET version = version + 1 WHERE pk = … AND version = <read>`` found
the row: the one check that holds on SQLite and PostgreSQL alike, whatever the interleaving (a
second writer's UPDATE waits for the first one's row lock, then matches nothing).

Refused, the form comes back with the user's input, the other person's changes filled into the
fields this user left alone, and a message naming them (who and when from the audit trail); saved
again, nothing of either person is lost. A field both changed keeps this user's input, and the
message says what the other person had written.
"""

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from auditlog import get_logentry_model
from django import forms
from django.core import signing
from django.db import models, transaction
from django.db.models import F
from django.forms.models import model_to_dict
from django.utils import timezone

from lib import wareki

VERSION = "version"
READ = "version_read"
_SALT = "kit.versions"


class Versioned(models.Model):
    """A record two people may edit at once: ``version`` counts the saves of its edit pages."""

    version = models.PositiveIntegerField("版", default=1, db_default=1, editable=False)

    class Meta:
        abstract = True


class Stale(Exception):
    """The record was saved by someone else since its page was read."""


def claim(record: models.Model, read: int | None) -> None:
    """Take the next version of ``record``'s row if it still holds the version ``read`` (call inside
    the transaction that saves the record); Stale if someone saved it in between."""
    if read is None:
        raise Stale
    found = type(record)._base_manager.filter(pk=record.pk, version=read).update(version=F("version") + 1)
    if not found:
        raise Stale
    record.version = read + 1  # type: ignore[attr-defined]


def sign(values: dict[str, Any]) -> str:
    """The values a page showed, to carry hidden in it and read back untampered."""
    return signing.dumps(values, salt=_SALT, compress=True)


def unsign(token: str) -> dict[str, Any] | None:
    """What ``sign`` carried, or None for a page without it or a token altered on the way."""
    try:
        return signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None


def message(who: Any, when: datetime.datetime | None, changes: list[tuple[str, str, bool]]) -> str:
    """The refusal of a stale save: who changed the record and when, and each change as (label, new
    value as shown, whether this user changed that field too)."""
    name = (getattr(who, "full_name", "") or who.get_username()) if who is not None else ""
    said = f"{name}さん" if name else "別の人"
    moment = ""
    if when is not None:
        local = timezone.localtime(when)
        moment = f"（{wareki.format_date(local)} {local:%H:%M}）"
    listed = "、".join(
        f"{label}「{shown}」" + ("（あなたの入力を残しています）" if both else "")
        for label, shown, both in changes
    )
    return (
        f"この記録は保存の間に{said}が変更しました{moment}。"
        f"変更された項目：{listed or 'この画面にない項目'}。"
        "あなたの入力は下に残っています。内容を確かめてもう一度保存してください。"
    )


def plain(value: Any) -> Any:
    """A value as JSON keeps it and two readings of it compare equal: a record by its key, several
    by their sorted keys, dates in ISO form, text without the browser's carriage returns."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return sorted(plain(item) for item in value)
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value).replace("\r\n", "\n").strip()


if TYPE_CHECKING:
    _Form = forms.BaseForm
else:
    _Form = object


class VersionedForm(_Form):
    """Mixin for a form editing one record: if the record is Versioned, the form carries the version
    read, hidden, and its page saves through ``save_current()`` in place of ``is_valid()`` and a
    save (which a form of a record without versions does too).

    A model form edits ``self.instance``; another form names its record in ``versioned_record()``
    and the values it shows of it in ``values_of()``."""

    saved: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._version: int | None = None
        self._read_token = ""
        record = self.versioned_record()
        if not isinstance(record, Versioned) or record.pk is None:
            return
        self.fields[VERSION] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        self.fields[READ] = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
        self.initial[VERSION] = getattr(record, VERSION)
        # Taken when the page is drawn: by then the form has its final fields.
        self.initial[READ] = lambda: sign(self._shown_of(record))

    def clean(self) -> dict[str, Any]:
        # The version read is the form's own business: the services get the record's fields only.
        cleaned = super().clean() or self.cleaned_data
        self._version = cleaned.pop(VERSION, None)
        self._read_token = cleaned.pop(READ, None) or ""
        return cleaned

    def versioned_record(self) -> models.Model | None:
        return getattr(self, "instance", None)

    def values_of(self, record: models.Model) -> dict[str, Any]:
        """The values this form shows of ``record``, by field name (its fields that are the record's)."""
        names = [
            name
            for name, field in self.fields.items()
            if name not in (VERSION, READ) and not isinstance(field.widget, forms.PasswordInput)
        ]
        return model_to_dict(record, fields=names)

    def _shown_of(self, record: models.Model) -> dict[str, Any]:
        return {name: plain(value) for name, value in self.values_of(record).items()}

    def save_current(self, save: Callable[[], Any] | None = None) -> bool:
        """Check the form, then save it — ``save()``, else the form's own — if its record is still the
        version the page read; otherwise False, the form showing what changed and the input kept.
        What ``save`` returns is kept in ``self.saved``. A ValidationError from ``save`` passes
        through, nothing saved."""
        if not self.is_valid():
            return False
        act = save or self.save  # type: ignore[attr-defined]
        record = self.versioned_record()
        if not isinstance(record, Versioned) or record.pk is None:
            self.saved = act()
            return True
        try:
            with transaction.atomic():
                claim(record, self._version)
                self.saved = act()
        except Stale:
            self._refuse(record)
            return False
        return True

    def _refuse(self, record: models.Model) -> None:
        fresh = type(record)._base_manager.get(pk=record.pk)
        now = self.values_of(fresh)
        current = {name: plain(value) for name, value in now.items()}
        read = unsign(self._read_token)
        if read is None:
            # A page without the values it read (opened before this check existed): nothing can be
            # told apart, so every field shows what the record holds now.
            read = {name: None for name in current}
        theirs = [name for name, value in current.items() if read.get(name) != value]
        mine = {
            name: plain(self.cleaned_data[name])
            for name in current
            if name in self.cleaned_data and not self.fields[name].disabled
        }
        both = [name for name in theirs if mine.get(name, read.get(name)) != read.get(name)]
        data = cast(Any, self.data).copy()
        for name in theirs:
            if name not in both:
                self._put(data, name, now[name])
        data[self.add_prefix(VERSION)] = str(getattr(fresh, VERSION))
        data[self.add_prefix(READ)] = sign(current)
        self.data = data
        self.add_error(None, self._message(fresh, theirs, both, now))

    def _put(self, data: Any, name: str, value: Any) -> None:
        """Write the record's value of field ``name`` into posted ``data``, as the browser sends it."""
        key = self.add_prefix(name)
        field = self.fields[name]
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
            else:
                data.pop(key, None)
            return
        shown = field.prepare_value(value)
        if isinstance(shown, list | tuple):
            items = [str(item.pk if isinstance(item, models.Model) else item) for item in shown]
            if hasattr(data, "setlist"):
                data.setlist(key, items)
            else:
                data[key] = items
        else:
            data[key] = "" if shown is None else plain(shown)

    def _message(self, fresh: models.Model, theirs: list[str], both: list[str], now: dict[str, Any]) -> str:
        log = get_logentry_model()
        entry = (
            log.objects.get_for_object(fresh)
            .filter(action=log.Action.UPDATE)
            .select_related("actor")
            .order_by("-timestamp")
            .first()
        )
        return message(
            entry.actor if entry else None,
            entry.timestamp if entry else None,
            [(str(self.fields[name].label), self._display(name, now[name]), name in both) for name in theirs],
        )

    def _display(self, name: str, value: Any) -> str:
        """The record's value of field ``name`` as a person reads it: a choice by its label, a record
        by its name, a date in 和暦."""
        field = self.fields[name]
        if value is None or value == "" or value == []:
            return "（空欄）"
        if isinstance(value, bool):
            return "はい" if value else "いいえ"
        if isinstance(field, forms.ModelMultipleChoiceField):
            return "、".join(str(item) for item in value)
        if isinstance(field, forms.ModelChoiceField):
            model = cast(Any, field).queryset.model
            found = value if isinstance(value, models.Model) else model._base_manager.filter(pk=value).first()
            return str(found) if found else str(value)
        if isinstance(field, forms.ChoiceField):
            labels = {}
            for key, label in cast(Iterable[Any], field.choices):
                if isinstance(label, list | tuple):
                    labels.update({str(k): str(v) for k, v in label})
                else:
                    labels[str(key)] = str(label)
            if isinstance(value, list | tuple):
                return "、".join(labels.get(str(item), str(item)) for item in value)
            return labels.get(str(value), str(value))
        if isinstance(value, datetime.datetime):
            moment = timezone.localtime(value) if timezone.is_aware(value) else value
            return f"{wareki.format_date(moment)} {moment:%H:%M}"
        if isinstance(value, datetime.date):
            return wareki.format_date(value)
        text = str(value)
        return text if len(text) <= 40 else text[:40] + "…"
