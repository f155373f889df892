"""The fee rules form HQ fills for a fiscal year."""

from django import forms

from fieldwork.models import Method
from org.forms import StyledModelForm
from payments.models import FeeRules


class FeeRulesForm(StyledModelForm):
    paid_methods = forms.MultipleChoiceField(
        label="調査説明費の対象となる方法",
        choices=Method.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="通常は直接訪問のみ。緊急時など、年度によって他の方法を認める場合に選びます。",
    )

    class Meta:
        model = FeeRules
        fields = [
            "visit_fee",
            "paid_visits_per_business",
            "visit_cap_scope",
            "paid_methods",
            "pays_absent_visits",
            "success_unified_both",
            "success_unified_rousai",
            "success_unified_koyou",
            "success_split_rousai",
            "success_split_koyou",
            "tax_rate_percent",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_methods"].widget.attrs["class"] = "form-check-input"
        self.fields["paid_visits_per_business"].error_messages["min_value"] = "1回以上を入力してください。"
        self.fields[
            "visit_cap_scope"
        ].help_text = (
            "年度ごと：翌年度の名簿に繰り越した事業所は、その年度に改めて上限まで支給します（既定）。"
        )
        self.fields[
            "pays_absent_visits"
        ].help_text = "既定では、不在で説明できなかった訪問は活動件数に数えますが、調査説明費は支給しません。"
