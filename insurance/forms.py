"""Forms of the insurance business: agents, staff, premiums, statements and audits."""

from django import forms
from django.utils import timezone

from insurance.models import Agent, Answer, ChecklistItem
from kit.fields import WholeNumberField
from kit.versions import VersionedForm
from org.forms import StyledForm
from org.models import Association, AssociationStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgentForm(StyledForm):
    association = forms.ModelChoiceField(
        label="会員事務組合",
        queryset=Association.objects.filter(
            is_member=True, status=AssociationStatus.ACTIVE, agent__isnull=True
        ).select_related("branch"),
    )
    code = forms.CharField(label="代理店コード", max_length=20)
    registered_on = forms.DateField(label="代理店登録日", widget=DATE, initial=timezone.localdate)


class StaffForm(StyledForm):
    name = forms.CharField(label="氏名", max_length=60)
    registration_number = forms.CharField(label="募集人登録番号", max_length=30, required=False)
    registered_on = forms.DateField(label="登録日", widget=DATE)


class PremiumForm(StyledForm):
    month = forms.CharField(label="対象年月", help_text="例：令和6年4月、2024/4")
    amount = WholeNumberField(label="保険料（円）")


class StatementForm(StyledForm):
    file = forms.FileField(
        label="保険会社の月次明細（.xlsx または .csv）", help_text="列：代理店コード、対象年月、保険料（円）"
    )


class ChecklistItemForm(StyledForm):
    text = forms.CharField(label="点検項目", max_length=300)


class AuditForm(StyledForm):
    agent: forms.ModelChoiceField = forms.ModelChoiceField(label="代理店", queryset=Agent.objects.none())
    sent_on = forms.DateField(label="点検票の送付日", widget=DATE, initial=timezone.localdate)
    answer_due = forms.DateField(label="回答期限", widget=DATE)

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents


class AnswerForm(VersionedForm, StyledForm):
    """One choice and a comment per checklist item of the year; two people recording the answers at
    once do not overwrite each other (kit.versions)."""

    answered_on = forms.DateField(label="回答受領日", widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, items: list[ChecklistItem], answers: dict, audit=None, **kwargs):
        self.instance = audit
        super().__init__(*args, **kwargs)
        for item in items:
            given = answers.get(item.pk)
            self.fields[f"answer_{item.pk}"] = forms.ChoiceField(
                label=f"{item.number}. {item.text}",
                choices=[("", "—"), *Answer.choices],
                initial=given.answer if given else "",
                required=False,
            )
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=f"{item.number}の補足", required=False, initial=given.comment if given else ""
            )
        self.items = items

    def values_of(self, record) -> dict:
        values = {"answered_on": record.answered_on}
        for item in self.items:
            values[f"answer_{item.pk}"] = values[f"comment_{item.pk}"] = ""
        for given in record.answers.all():
            values[f"answer_{given.item_id}"], values[f"comment_{given.item_id}"] = (
                given.answer,
                given.comment,
            )
        return {name: value for name, value in values.items() if name in self.fields}

    def answers(self) -> dict[int, tuple[str, str]]:
        return {
            item.pk: (self.cleaned_data[f"answer_{item.pk}"], self.cleaned_data[f"comment_{item.pk}"])
            for item in self.items
        }


class FindingForm(StyledForm):
    description = forms.CharField(label="指摘事項", widget=forms.Textarea(attrs={"rows": 2}))
    action = forms.CharField(label="求める是正措置", widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label="是正期限", widget=DATE)


class FindingCloseForm(StyledForm):
    corrected = forms.CharField(label="是正の内容（代理店の報告）", widget=forms.Textarea(attrs={"rows": 2}))
    closed_on = forms.DateField(label="是正確認日", widget=DATE, initial=timezone.localdate)


class CloseForm(StyledForm):
    closed_on = forms.DateField(label="完了日", widget=DATE, initial=timezone.localdate)
