import datetime

from django import forms
from django.utils import timezone
from django_otp import match_token

from org.forms import OtpCodeField, StyledForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LONGEST = 366  # days: a token lives a year at most, and is renewed by making a new one


class TokenForm(StyledForm):
    """A token is a credential of its own: making one asks again for the password, and an
    administrator's for a code of their authenticator app, which the token is then bound to.
    A session left open at an unattended desk must not become a year-long key."""

    name = forms.CharField(label="名前", max_length=60, help_text="用途がわかる名前（例：支部の集計用Excel）")
    expires_on = forms.DateField(
        label="有効期限", widget=DATE, initial=lambda: timezone.localdate() + datetime.timedelta(days=90)
    )
    password = forms.CharField(
        label="現在のパスワード",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="トークンを作るには、本人であることを確かめるためパスワードをもう一度入力します。",
    )
    otp = OtpCodeField(
        help_text="認証アプリに表示されている新しいコード（ログインに使ったものとは別のコード）。"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.otp_device = None
        if not user.requires_otp:
            del self.fields["otp"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("パスワードが正しくありません。")
        return password

    def clean_otp(self) -> str:
        code = self.cleaned_data["otp"]
        self.otp_device = match_token(self.user, code)
        if self.otp_device is None:
            raise forms.ValidationError(
                "認証コードが正しくありません。次のコードに変わってから入力してください。"
            )
        return code

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError("有効期限は今日以降にしてください。")
        if day > today + datetime.timedelta(days=LONGEST):
            raise forms.ValidationError("有効期限は1年以内にしてください。")
        return day
