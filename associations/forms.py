"""Forms of the association registry, its membership, incidents, employers and consultations."""

from django import forms
from django.utils import timezone

from associations.models import Consultation, EntrustingEmployer, IncidentKind
from lib import numbers
from org import access
from org.forms import ContactForm, StyledForm, StyledModelForm
from org.models import Association, AssociationStatus, Branch


class DateInput(forms.DateInput):
    input_type = "date"


class AssociationForm(ContactForm):
    joined_on = forms.DateField(
        label="入会日", required=False, widget=DateInput(), help_text="会員として登録する場合に入力"
    )

    class Meta:
        model = Association
        fields = [
            "branch",
            "name",
            "name_kana",
            "representative",
            "postal_code",
            "address",
            "phone",
            "approval_number",
            "approved_on",
            "status",
            "status_reason",
        ]
        widgets = {"approved_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = access.visible(user, Branch.objects.all())
        if not user.is_hq:
            self.fields["branch"].initial = user.branch
            self.fields["branch"].disabled = True
        # Closing has its own step (the date and the end of membership); here only active / closing.
        self.fields["status"].choices = [
            c for c in AssociationStatus.choices if c[0] != AssociationStatus.CLOSED
        ]
        if self.instance.pk:
            del self.fields["joined_on"]
            if self.instance.status == AssociationStatus.CLOSED:
                del self.fields["status"]


class JoinForm(StyledForm):
    joined_on = forms.DateField(label="入会日", widget=DateInput(), initial=timezone.localdate)


class LeaveForm(StyledForm):
    left_on = forms.DateField(label="退会日", widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label="退会理由", max_length=200, required=False)


class CloseForm(StyledForm):
    closed_on = forms.DateField(label="解散・廃止日", widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label="理由", max_length=200, help_text="後継者不在 など")


class IncidentForm(StyledForm):
    kind = forms.ChoiceField(label="種別", choices=IncidentKind.choices)
    occurred_on = forms.DateField(label="発生日（処分日）", widget=DateInput())
    summary = forms.CharField(label="概要", widget=forms.Textarea(attrs={"rows": 3}))


class EmployerForm(StyledModelForm):
    class Meta:
        model = EntrustingEmployer
        fields = ["name", "insurance_number", "entrusted_on", "ended_on"]
        widgets = {"entrusted_on": DateInput(), "ended_on": DateInput()}

    def clean_insurance_number(self) -> str:
        number = numbers.digits(self.cleaned_data["insurance_number"].replace("-", ""))
        if number and not numbers.is_digits(number, 14):
            raise forms.ValidationError("労働保険番号は14桁の数字で入力してください。")
        return number


class ConsultationForm(StyledModelForm):
    class Meta:
        model = Consultation
        fields = ["association", "party", "kind", "held_on", "summary", "outcome"]
        widgets = {
            "held_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = Association.objects.filter(branch=branch)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("association") and not cleaned.get("party"):
            self.add_error("party", "事務組合を選ぶか、相談者（設立予定の団体等）を入力してください。")
        return cleaned


class ImportForm(StyledForm):
    file = forms.FileField(label="ファイル（.xlsx または .csv）")
