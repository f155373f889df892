"""Forms for councils, the division rules, handovers and the outreach plan; the rules live in councils.division and services."""

from django import forms

from councils.division import Rules
from councils.models import CouncilMeeting, Counterpart, MeetingNumber, Side
from kit.fields import WholeNumberField
from kit.versions import VersionedForm
from lib.fiscal import FISCAL_MONTHS
from org.forms import StyledForm, StyledModelForm
from org.models import EmploymentOffice, InspectionOffice

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(StyledModelForm):
    class Meta:
        model = CouncilMeeting
        fields = [
            "number",
            "counterpart",
            "inspection_office",
            "employment_office",
            "planned_on",
            "held_on",
            "venue",
            "bureau_members",
            "branch_members",
            "agenda",
            "minutes",
            "decisions",
        ]
        widgets = {
            "planned_on": DATE,
            "held_on": DATE,
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in ["bureau_members", "branch_members", "agenda"]
            },
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, branch, fiscal_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch, self.fiscal_year = branch, fiscal_year
        # The offices of the branch's own prefecture (R-ORG-4).
        for name, model in (("inspection_office", InspectionOffice), ("employment_office", EmploymentOffice)):
            self.fields[name].queryset = model.objects.filter(bureau__prefecture=branch.prefecture_id)
            self.fields[name].help_text = "地区協議会の相手方（労働局の画面で官署を登録すると選べます）"

    def clean(self):
        data = super().clean()
        number, counterpart = data.get("number"), data.get("counterpart")
        # An office goes with the council of its kind only: a 監督署 with a council of the 監督署.
        for name, kind in (
            ("inspection_office", Counterpart.INSPECTION_OFFICE),
            ("employment_office", Counterpart.EMPLOYMENT_OFFICE),
        ):
            if data.get(name) and counterpart != kind:
                self.add_error(name, f"相手方が「{Counterpart(kind).label}」の協議会のときに選んでください。")
        for day_field in ("planned_on", "held_on"):
            day = data.get(day_field)
            if day and not self.fiscal_year.start <= day <= self.fiscal_year.end:
                self.add_error(day_field, f"{self.fiscal_year.label}の期間内の日付にしてください。")
        if number and number != MeetingNumber.EXTRA and counterpart == Counterpart.BUREAU:
            same = CouncilMeeting.objects.filter(
                branch=self.branch,
                fiscal_year=self.fiscal_year,
                number=number,
                counterpart=Counterpart.BUREAU,
            ).exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error(
                    "number",
                    f"{self.fiscal_year.label}の{MeetingNumber(number).label}協議会は既に登録されています。",
                )
        return data


class FileForm(StyledForm):
    file = forms.FileField(label="添付ファイル（PDF・画像・Word・Excel・PowerPoint、10MBまで）")


class RulesForm(StyledForm):
    min_workers = WholeNumberField(
        label="労働者数がこの人数以上 → 労働局（手続指導）",
        min_value=1,
        required=False,
        initial=50,
        help_text="空欄なら規模では分けません。",
    )
    industries = forms.MultipleChoiceField(
        label="次の業種 → 労働局（手続指導）", required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    cities = forms.MultipleChoiceField(
        label="次の市区町村 → 支部（加入勧奨）",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    default = forms.ChoiceField(label="上記以外の事業所", choices=Side.choices, initial=Side.BRANCH)

    def __init__(self, *args, industries, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industries"].choices = [(i, i) for i in industries]
        self.fields["cities"].choices = cities

    def rules(self) -> Rules:
        data = self.cleaned_data
        return Rules(
            min_workers=data["min_workers"],
            industries=frozenset(data["industries"]),
            cities=frozenset(data["cities"]),
            default=data["default"],
        )


class _HandoverLinks(StyledForm):
    """The council a hard case was discussed at and the office that takes it up (R-CNL-5)."""

    meeting = forms.ModelChoiceField(
        label="協議した協議会", queryset=CouncilMeeting.objects.none(), required=False, empty_label="（なし）"
    )
    inspection_office = forms.ModelChoiceField(
        label="担当する労働基準監督署",
        queryset=InspectionOffice.objects.none(),
        required=False,
        empty_label="（労働局が決める）",
    )

    def __init__(self, *args, meetings, prefecture, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["inspection_office"].queryset = InspectionOffice.objects.filter(
            bureau__prefecture=prefecture
        )


class HandoverForm(_HandoverLinks):
    handed_over_on = forms.DateField(label="移管日", widget=DATE)
    reason = forms.CharField(label="移管の理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    field_order = ["handed_over_on", "reason", "meeting", "inspection_office"]


class HandoverAnswerForm(_HandoverLinks):
    answered_on = forms.DateField(label="回答日", widget=DATE)
    answer = forms.CharField(label="労働局の回答", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    field_order = ["answered_on", "answer", "meeting", "inspection_office"]


def plan_values(plan) -> dict:
    """What the plan form shows of a saved plan, by field name."""
    values = {
        "branch_capacity": plan.branch_capacity,
        "bureau_capacity": plan.bureau_capacity,
        "adopted_at": plan.adopted_at_id,
        "note": plan.note,
    }
    for month in FISCAL_MONTHS:  # a month not yet planned reads as nothing planned
        values[f"visits_{month}"] = values[f"enrolments_{month}"] = 0
    for row in plan.months.all():
        values[f"visits_{row.month}"], values[f"enrolments_{row.month}"] = row.visits, row.enrolments
    return values


class PlanForm(VersionedForm, StyledForm):
    """The year's plan; two people editing it at once do not overwrite each other (kit.versions)."""

    branch_capacity = WholeNumberField(label="支部で実施する加入勧奨の年間件数")
    bureau_capacity = WholeNumberField(label="労働局で実施する手続指導の年間件数")
    adopted_at = forms.ModelChoiceField(
        label="策定した協議会",
        queryset=CouncilMeeting.objects.none(),
        required=False,
        empty_label="（未策定）",
    )
    note = forms.CharField(label="備考", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, meetings, plan=None, **kwargs):
        self.instance = plan
        super().__init__(*args, **kwargs)
        self.fields["adopted_at"].queryset = meetings
        for month in FISCAL_MONTHS:
            for kind, label in (("visits", "訪問"), ("enrolments", "成立")):
                self.fields[f"{kind}_{month}"] = WholeNumberField(
                    label=f"{month}月 {label}",
                    min_value=0,
                    initial=0,
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm text-end"}),
                )

    def values_of(self, record) -> dict:
        return {name: value for name, value in plan_values(record).items() if name in self.fields}

    def months(self) -> dict[int, tuple[int, int]]:
        return {
            m: (self.cleaned_data[f"visits_{m}"], self.cleaned_data[f"enrolments_{m}"]) for m in FISCAL_MONTHS
        }

    def month_rows(self):
        return [(m, self[f"visits_{m}"], self[f"enrolments_{m}"]) for m in FISCAL_MONTHS]
