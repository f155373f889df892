"""Form fields that read numbers as ``lib.numbers`` does, so a page and an import agree."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from lib import numbers


class WholeNumberField(forms.IntegerField):
    """A whole number typed in ASCII or full-width digits (１２３, 1,234), within ``min_value`` and
    ``max_value`` — by default what an integer column holds, so 25 nines are refused on the form
    instead of overflowing the database."""

    def __init__(self, *, min_value: int = 0, max_value: int = numbers.INT_MAX, **kwargs: Any) -> None:
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)
        self.bounds = (min_value, max_value)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        try:
            return numbers.whole_number(value, minimum=self.bounds[0], maximum=self.bounds[1])
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None
