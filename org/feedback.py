"""The one way a page shows that an action was refused: a service's ValidationError becomes an error
message at the top of the next page, in the service's own Japanese words, and nothing was saved
(the service refused before changing anything, or its transaction was rolled back)."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


class Outcome:
    """Whether the action went through: true unless a ValidationError was shown."""

    def __init__(self) -> None:
        self.ok = True

    def __bool__(self) -> bool:
        return self.ok


@contextmanager
def errors_as_message(
    request: HttpRequest, prefix: str = "", others: Mapping[type[Exception], str | None] | None = None
) -> Iterator[Outcome]:
    """``with errors_as_message(request) as done: service(...)`` then ``if done: ...`` for success.

    ``others``: further refusals the action may raise (a bad number typed, an unreadable file), each
    with its own message, or None to show the exception's own text."""
    outcome = Outcome()
    others = others or {}
    try:
        yield outcome
    except ValidationError as error:
        outcome.ok = False
        messages.error(request, prefix + " ".join(error.messages))
    except tuple(others) as error:
        outcome.ok = False
        said = next(text for kind, text in others.items() if isinstance(error, kind))
        messages.error(request, said or str(error))
