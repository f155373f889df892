"""The one way a page shows that an action was refused: a service's ValidationError becomes an error
message at the top of the next page, in the service's own Japanese words, and nothing was saved
(the service refused before changing anything, or its transaction was rolled back)."""

from collections.abc import Iterator
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
def errors_as_message(request: HttpRequest, prefix: str = "") -> Iterator[Outcome]:
    """``with errors_as_message(request) as done: service(...)`` then ``if done: ...`` for success."""
    outcome = Outcome()
    try:
        yield outcome
    except ValidationError as error:
        outcome.ok = False
        messages.error(request, prefix + " ".join(error.messages))
