"""Statuses as data: a model lists its allowed moves in ``TRANSITIONS`` and one method enforces them.

Services and templates ask the model (``claim.can_move_to(SUBMITTED)``, ``batch.can_approve``)
instead of comparing status strings; bulk updates filter on ``statuses_before(target)`` so that a
row already moved on is never moved again.
"""

from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models

# For the type checker the mixin is the model it is mixed into; at run time a plain class.
if TYPE_CHECKING:
    _Base = models.Model
else:
    _Base = object


class MoveRefused(ValidationError):
    """A status move the workflow does not allow. A ValidationError, so every page that shows a
    service's refusal (``feedback.errors_as_message``, ``form_errors``) shows this one too: a message,
    never a 500."""

    @classmethod
    def between(cls, labels: dict[Any, Any], before: str, after: str) -> "MoveRefused":
        return cls(f"「{labels[before]}」から「{labels[after]}」には進めません。")


class Workflow(_Base):
    """Mixin for a model with a ``status`` field whose choices are a TextChoices class."""

    TRANSITIONS: ClassVar[dict[str, set[str]]]
    status: Any

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    def move_to(self, status: str, **fields: Any) -> None:
        """Move to ``status`` and set ``fields`` with it, saving only those columns; refused with the
        two statuses named if the workflow does not allow the move."""
        if not self.can_move_to(status):
            labels = dict(self._meta.get_field("status").flatchoices)  # type: ignore[union-attr]
            raise MoveRefused.between(labels, self.status, status)
        self.status = status
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=["status", *fields])

    @classmethod
    def statuses_before(cls, status: str) -> list[str]:
        """The statuses from which ``status`` may be reached in one move."""
        return [source for source, targets in cls.TRANSITIONS.items() if status in targets]

    @classmethod
    def move(cls, pk: int, status: str, **fields: Any) -> bool:
        """Move row ``pk`` to ``status`` in one UPDATE that matches only if the move is allowed from the
        status the row has now, so two workers never both take it; True if it moved."""
        rows = cls._default_manager.filter(pk=pk, status__in=cls.statuses_before(status))
        return bool(rows.update(status=status, **fields))
