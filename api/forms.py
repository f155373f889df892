import datetime

from django import forms
from django.utils import timezone

from org.forms import StyledForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LONGEST = 366  # days: a token lives a year at most, and is renewed by making a new one


class TokenForm(StyledForm):
    name = forms.CharField(label="名前", max_length=60, help_text="用途がわかる名前（例：支部の集計用Excel）")
    expires_on = forms.DateField(
        label="有効期限", widget=DATE, initial=lambda: timezone.localdate() + datetime.timedelta(days=90)
    )

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError("有効期限は今日以降にしてください。")
        if day > today + datetime.timedelta(days=LONGEST):
            raise forms.ValidationError("有効期限は1年以内にしてください。")
        return day
