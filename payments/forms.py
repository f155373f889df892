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
        help_text="通常は直接訪問のみ（R-VIS-2）。緊急時など、年度によって他の方法を認める場合に選びます。",
    )

    class Meta:
        model = FeeRules
        fields = [
            "visit_fee",
            "paid_visits_per_business",
            "paid_methods",
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
