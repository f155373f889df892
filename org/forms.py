"""Forms for accounts and master data; their rules live in org.services."""

import re

import jaconv
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from kit.versions import VersionedForm
from lib import numbers, wareki
from org.models import Block, Branch, EmploymentOffice, FiscalYear, InspectionOffice, LabourBureau, User
from org.roles import Role
from org.services import assignable_roles


def form_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class LongSelect(forms.Select):
    """A select of hundreds or thousands of choices (a national branch's promoters), written out
    directly: Django renders each option through a template, about a tenth of a millisecond apiece."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(key), mark_safe(" selected") if str(key) == chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html(
            "<select{}>{}</select>",
            flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name})),
            options,
        )


def _current_fiscal_year() -> FiscalYear | None:
    return FiscalYear.objects.filter(year=wareki.fiscal_year_of(timezone.localdate())).first()


class FiscalYearField(forms.ModelChoiceField):
    """A fiscal year to work on: the years a picker offers (``FiscalYear.offered``), the year
    containing today chosen until the user picks another."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "年度")
        kwargs.setdefault("initial", _current_fiscal_year)
        super().__init__(queryset=FiscalYear.objects.none(), **kwargs)

    def get_bound_field(self, form, field_name):
        # Asked per form, not once at import: the offered years move on 1 April while the server runs.
        self.queryset = FiscalYear.offered()
        return super().get_bound_field(form, field_name)


class StyledMixin:
    """Gives every widget its Bootstrap class, so templates render fields as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            field.widget.attrs.setdefault("class", css)


class StyledForm(StyledMixin, forms.Form):
    pass


class StyledModelForm(VersionedForm, StyledMixin, forms.ModelForm):
    """A model form in the house style; editing a versioned record, it refuses a stale save (kit.versions)."""


class UserForm(VersionedForm, StyledForm):
    username = forms.CharField(label="ユーザーID", max_length=150)
    full_name = forms.CharField(label="氏名", max_length=60)
    full_name_kana = forms.CharField(label="氏名（カナ）", max_length=60, required=False)
    email = forms.EmailField(label="メールアドレス", required=False)
    role = forms.ChoiceField(label="役割")
    branch = forms.ModelChoiceField(
        label="所属支部", queryset=Branch.objects.all(), required=False, empty_label="本部"
    )
    can_pay = forms.BooleanField(
        label="支払権限（口座番号の表示・支払処理）",
        required=False,
        help_text="本部のユーザーにのみ有効です。",
    )
    password = forms.CharField(
        label="初期パスワード",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="12文字以上。本人が初回ログイン後に変更してください。",
    )

    def __init__(self, *args, actor: User, instance: User | None = None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)  # the model's choices field
        role.choices = [(r.value, r.label) for r in assignable_roles(actor)]
        if actor.branch_id is not None:
            # A branch administrator's users always belong to their own branch, and no branch
            # user holds the payment permission.
            del self.fields["branch"]
            del self.fields["can_pay"]
        else:
            self.fields["can_pay"].widget.attrs["class"] = "form-check-input"
        if instance is not None:
            del self.fields["username"]
            del self.fields["password"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("このユーザーIDは既に使われています。")
        return username


class PasswordForm(StyledForm):
    current = forms.CharField(
        label="現在のパスワード",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    password = forms.CharField(
        label="新しいパスワード",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="12文字以上。4種類以上の文字を含めてください。",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current(self) -> str:
        # Someone at an unattended, logged-in desk must not be able to take the account over.
        current = self.cleaned_data["current"]
        if not self.user.check_password(current):
            raise forms.ValidationError("現在のパスワードが正しくありません。")
        return current


class BlockForm(StyledModelForm):
    class Meta:
        model = Block
        fields = ["name"]


class BranchForm(StyledModelForm):
    class Meta:
        model = Branch
        fields = ["name", "block"]


class UserFilterForm(StyledForm):
    q = forms.CharField(label="検索", required=False)
    role = forms.ChoiceField(label="役割", required=False)
    active = forms.ChoiceField(
        label="状態",
        required=False,
        choices=[("", "すべて"), ("1", "有効"), ("0", "無効")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "すべて"), *Role.choices]


class OtpCodeField(forms.CharField):
    """A code of an authenticator app, typed as the app shows it: 123 456 (the space the apps put
    in the middle), full-width digits and a hyphen are taken too; six ASCII digits are checked."""

    def __init__(self, *, autofocus: bool = False, **kwargs):
        attrs = {"autocomplete": "one-time-code", "inputmode": "numeric"} | (
            {"autofocus": True} if autofocus else {}
        )
        kwargs.setdefault("label", "認証コード（6桁）")
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value):
        return re.sub(r"[\s\-]", "", jaconv.z2h(super().to_python(value), digit=True, ascii=True))

    def validate(self, value):
        super().validate(value)
        if value and not numbers.is_digits(value, 6):
            raise ValidationError("6桁の数字を入力してください。", code="invalid")


class TokenForm(StyledForm):
    token = OtpCodeField(autofocus=True)


class ContactForm(StyledModelForm):
    """A form with an address: the postal code taken as people type it (151-0053), stored as 7 digits."""

    postal_code = forms.CharField(label="郵便番号", max_length=8, required=False, help_text="例：151-0053")

    def clean_postal_code(self):
        code = jaconv.z2h(self.cleaned_data["postal_code"], digit=True, ascii=True).replace("-", "").strip()
        if code and not numbers.is_digits(code, 7):
            raise forms.ValidationError("郵便番号は7桁の数字で入力してください（例：151-0053）。")
        return code


CONTACT_FIELDS = ["name", "postal_code", "address", "phone", "department", "contact", "email"]


class BureauForm(ContactForm):
    class Meta:
        model = LabourBureau
        fields = CONTACT_FIELDS


def office_form(model: type[InspectionOffice] | type[EmploymentOffice]) -> type[ContactForm]:
    """The form of an inspection or an employment office: the same columns and their area."""
    made = forms.modelform_factory(
        model,
        form=ContactForm,
        fields=[*CONTACT_FIELDS, "area"],
        widgets={"area": forms.Textarea(attrs={"rows": 2})},
    )
    assert issubclass(made, ContactForm)
    return made
