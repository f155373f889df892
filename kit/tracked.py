"""When a row last changed, for the API's incremental sync (``updated_since``).

``auto_now`` stamps a row only when it is saved whole; the services also save named fields
(``save(update_fields=…)``), change rows with ``QuerySet.update`` and ``bulk_update``, and imports
insert rows with raw SQL (kit.rows). A sync that trusted ``auto_now`` alone would silently miss
those changes, so: the column has a database default (raw inserts), a save of named fields names
this one too, and the models' querysets stamp it on every UPDATE they issue.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone


class TrackedQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)

    def bulk_update(self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None) -> int:
        objs = list(objs)
        now = timezone.now()
        for obj in objs:
            obj.updated_at = now
        return super().bulk_update(objs, list(dict.fromkeys([*fields, "updated_at"])), batch_size=batch_size)


class Tracked(models.Model):
    updated_at = models.DateTimeField("更新日時", auto_now=True, db_default=Now())

    objects = TrackedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)
