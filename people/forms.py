"""Forms for the person registry, appointments, bank accounts and imports."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from kit.fields import WholeNumberField
from org import access
from org.forms import FiscalYearField, StyledForm, StyledModelForm
from org.models import Association, Branch, FiscalYear, User
from org.roles import Role
from people.models import AccountType, AppointmentRole, AppointmentStatus, Person, RevokeReason

# Roles whose users are also people of the registry (appointed as promoter, instructor, coordinator or lecturer).
PERSON_ROLES = (Role.PROMOTER, Role.INSTRUCTOR, Role.BRANCH_STAFF, Role.LECTURER)


class DateInput(forms.DateInput):
    input_type = "date"


class PersonForm(StyledModelForm):
    class Meta:
        model = Person
        fields = [
            "branch",
            "full_name",
            "full_name_kana",
            "birth_date",
            "postal_code",
            "prefecture",
            "city",
            "town",
            "address_line",
            "phone",
            "email",
            "association",
            "user",
        ]
        widgets = {"birth_date": DateInput()}
        help_texts = {
            "user": "推進員・指導員・促進員がログインして自分の担当を見るためのアカウント（支部のユーザーから選択）"
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = access.visible(user, Branch.objects.all())
        self.fields["association"].queryset = access.visible(user, Association.objects.all())
        # Accounts of the roles that have a person record, not yet linked to someone else.
        free = (
            Q(person__isnull=True) | Q(person=self.instance.pk)
            if self.instance.pk
            else Q(person__isnull=True)
        )
        self.fields["user"].queryset = access.visible(
            user, User.objects.filter(free, is_active=True, role__in=PERSON_ROLES).order_by("username")
        )
        if not user.is_hq:
            self.fields["branch"].initial = user.branch
            self.fields["branch"].disabled = True
        postal = self.fields["postal_code"].widget.attrs
        # Typing a postal code fills the address from Japan Post's data (people.views.postal_lookup).
        postal.update(
            {
                "hx-get": "/people/postal/",
                "hx-trigger": "input changed delay:400ms, change",
                "hx-target": "#address-fields",
                "hx-select": "#address-fields",
                "hx-swap": "outerHTML",
                "inputmode": "numeric",
                "placeholder": "1000013",
            }
        )

    def clean_postal_code(self):
        return self.cleaned_data["postal_code"].replace("-", "").replace("－", "").strip()

    def clean(self):
        cleaned = super().clean()
        association, branch = cleaned.get("association"), cleaned.get("branch")
        if association and branch and association.branch_id != branch.pk:
            self.add_error("association", "同じ支部の事務組合を選んでください。")
        account = cleaned.get("user")
        if account and branch and account.branch_id != branch.pk:
            self.add_error("user", "同じ支部のユーザーを選んでください。")
        return cleaned


class AppointmentRequestForm(StyledForm):
    fiscal_year = FiscalYearField()
    role = forms.ChoiceField(label="区分", choices=AppointmentRole.choices)
    has_expertise = forms.BooleanField(label="労働保険制度等に関する専門的知識を有する", required=False)
    declared_no_violation = forms.BooleanField(
        label="過去に労働保険関係法令に違反したことがない（本人の申告）", required=False
    )
    pledge_signed_on = forms.DateField(
        label="誓約書の提出日",
        required=False,
        widget=DateInput(),
        help_text="未提出なら空欄（提出後に登録できます）。促進員の誓約書は本部に提出され、本部が登録します",
    )
    is_representative = forms.BooleanField(label="支部の代表促進員とする（本部との連絡調整）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ["has_expertise", "declared_no_violation", "is_representative"]:
            self.fields[name].widget.attrs["class"] = "form-check-input"


class PledgeForm(StyledForm):
    pledge_signed_on = forms.DateField(label="誓約書の提出日", widget=DateInput())


class DecisionForm(StyledForm):
    appointed_on = forms.DateField(label="委嘱日", widget=DateInput(), initial=timezone.localdate)


class RevokeForm(StyledForm):
    reason = forms.ChoiceField(label="取消理由", choices=[("", "選択してください"), *RevokeReason.choices])
    revoked_on = forms.DateField(label="取消日", widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label="詳細", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AppointmentFilterForm(StyledForm):
    year = forms.ModelChoiceField(
        label="年度", queryset=FiscalYear.objects.all(), required=False, empty_label="全年度"
    )
    role = forms.ChoiceField(label="区分", required=False, choices=[("", "全区分"), *AppointmentRole.choices])
    status = forms.ChoiceField(
        label="状態", required=False, choices=[("", "全状態"), *AppointmentStatus.choices]
    )
    branch = forms.ModelChoiceField(
        label="支部", queryset=Branch.objects.none(), required=False, empty_label="全支部"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = FiscalYear.offered()
        self.fields["branch"].queryset = access.visible(user, Branch.objects.all())


class BankAccountForm(StyledForm):
    bank_code = forms.CharField(
        label="金融機関コード（4桁）",
        max_length=10,
        help_text="コードまたは金融機関名を入力すると候補が表示されます",
        widget=forms.TextInput(
            attrs={
                "list": "bank-codes",
                "autocomplete": "off",
                "hx-get": "/bank-codes/branches/",
                "hx-trigger": "input changed delay:400ms, change",
                "hx-target": "#branch-codes",
                "hx-swap": "outerHTML",
            }
        ),
    )
    branch_code = forms.CharField(
        label="支店コード（3桁）",
        max_length=10,
        help_text="コードまたは支店名を入力すると候補が表示されます",
        widget=forms.TextInput(attrs={"list": "branch-codes", "autocomplete": "off"}),
    )
    account_type = forms.ChoiceField(label="預金種目", choices=AccountType.choices)
    account_number = forms.CharField(label="口座番号（7桁）", max_length=20)
    holder_name = forms.CharField(
        label="口座名義（カナ）", max_length=60, help_text="通帳の名義をカナで（例：ヤマダ タロウ）"
    )


class AllocationForm(StyledForm):
    count = WholeNumberField(label="配置人数", min_value=0, max_value=99)


class ImportForm(StyledForm):
    file = forms.FileField(label="ファイル（.xlsx または .csv）")
