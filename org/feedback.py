"""The one way a page shows that an action was refused: a service's ValidationError becomes an error
message at the top of the next page, in the service's own Japanese words, and nothing was saved
(the service refused before changing anything, or its transaction was rolled back)."""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest


class Attempt:
    """Whether the action went through: true unless a ValidationError was shown."""

    def __init__(self) -> None:
        self.ok = True

    def __bool__(self) -> bool:
        return self.ok


@contextmanager
def errors_as_message(
    request: HttpRequest, prefix: str = "", others: Mapping[type[Exception], str | None] | None = None
) -> Iterator[Attempt]:
    """``with errors_as_message(request) as done: service(...)`` then ``if done: ...`` for success.

    ``others``: further refusals the action may raise (a bad number typed, an unreadable file), each
    with its own message, or None to show the exception's own text."""
    attempt = Attempt()
    others = others or {}
    try:
        yield attempt
    except ValidationError as error:
        attempt.ok = False
        messages.error(request, prefix + " ".join(error.messages))
    except tuple(others) as error:
        attempt.ok = False
        said = next(text for kind, text in others.items() if isinstance(error, kind))
        messages.error(request, said or str(error))


def form_step(request: HttpRequest, form: Form, act: Callable[[dict[str, Any]], object], done: str) -> bool:
    """A small form posted from a detail page (a finding, a membership step): checked, then ``act``
    with its cleaned data; a bad field or a refusal comes back as a message naming the field, a
    success as ``done``. True when the action went through."""
    if not form.is_valid():
        messages.error(
            request,
            " ".join(
                f"「{form.fields[name].label if name in form.fields else ''}」{' '.join(str(e) for e in errors)}"
                for name, errors in form.errors.items()
            ),
        )
        return False
    with errors_as_message(request) as outcome:
        act(form.cleaned_data)
    if outcome:
        messages.success(request, done)
    return bool(outcome)


def labelled_errors(form: Form) -> dict[str, list[str]]:
    """A form's errors, each named by its field's label (「訪問日：…」), for answers read outside the
    form itself: the phone's drafts and the API."""
    return {
        field: [f"{form.fields[field].label}：{e}" if field in form.fields else str(e) for e in errs]
        for field, errs in form.errors.items()
    }
