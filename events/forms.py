"""Forms for events; the rules live in events.services."""

from django import forms

from events import services
from events.models import (
    Briefing,
    Dispatch,
    EventSettings,
    Meeting,
    MeetingIssue,
    MeetingKind,
    Question,
    QuestionKind,
    SeminarReport,
    Training,
    TrainingFormat,
)
from kit.fields import WholeNumberField
from org.forms import StyledForm, StyledModelForm
from org.models import Branch

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class YearForm(StyledModelForm):
    """A form for a row of one fiscal year: its dates must fall in that year."""

    date_fields: tuple[str, ...] = ()

    def __init__(self, *args, fiscal_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fiscal_year = fiscal_year

    def clean(self):
        data = super().clean()
        for name in self.date_fields:
            try:
                services.in_year(self.fiscal_year, data.get(name), name)
            except forms.ValidationError as error:
                self.add_error(None, error)
        return data


class BriefingForm(YearForm):
    date_fields = ("planned_on", "held_on")

    class Meta:
        model = Briefing
        fields = [
            "title",
            "planned_on",
            "held_on",
            "partner",
            "partner_name",
            "venue",
            "presenter",
            "materials",
            "notes",
        ]
        widgets = {"planned_on": DATE, "held_on": DATE, "materials": TEXT, "notes": TEXT}

    def clean(self):
        data = super().clean()
        if data.get("partner") not in (None, "alone") and not data.get("partner_name"):
            self.add_error("partner_name", "共催団体名を入力してください。")
        return data


class AttendeeForm(StyledForm):
    name = forms.CharField(label="事業所名（名簿にない事業所）", max_length=200)
    people = WholeNumberField(label="参加人数", min_value=1, max_value=999, initial=1)


class TrainingForm(YearForm):
    formats = forms.MultipleChoiceField(
        label="形式",
        choices=TrainingFormat.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="グループ討議・ロールプレイなど参加型の研修を工夫します。",
    )

    class Meta:
        model = Training
        fields = ["held_on", "makeup", "venue", "formats", "level", "lecturers", "topics", "notes"]
        widgets = {"held_on": DATE, "lecturers": TEXT, "topics": TEXT, "notes": TEXT}

    def clean(self):
        data = super().clean()
        try:
            services.check_training_day(self.fiscal_year, data.get("held_on"), bool(data.get("makeup")))
        except forms.ValidationError as error:
            self.add_error(None, error)
        return data


class DispatchForm(YearForm):
    date_fields = ("held_on",)

    class Meta:
        model = Dispatch
        fields = [
            "kind",
            "title",
            "organiser",
            "held_on",
            "place",
            "lecturer",
            "participants",
            "questionnaire_open",
        ]
        widgets = {
            "held_on": DATE,
            "questionnaire_open": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lecturer"].queryset = services.lecturers(user, self.fiscal_year)
        self.fields["lecturer"].label_from_instance = lambda a: f"{a.person.full_name}（{a.branch.name}）"


class ReportForm(StyledModelForm):
    class Meta:
        model = SeminarReport
        fields = ["participants", "content", "reactions", "requests"]
        widgets = {"content": forms.Textarea(attrs={"rows": 5}), "reactions": TEXT, "requests": TEXT}


class SettingsForm(StyledModelForm):
    class Meta:
        model = EventSettings
        fields = ["briefing_percent", "dispatch_target", "participant_target"]


class QuestionForm(StyledModelForm):
    choices_text = forms.CharField(
        label="選択肢（1行に1つ）", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    class Meta:
        model = Question
        fields = ["order", "text", "kind", "required"]
        widgets = {"required": forms.CheckboxInput(attrs={"class": "form-check-input"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices_text"].initial = "\n".join(self.instance.choices or [])

    def values_of(self, record):
        # The choices are typed one per line: compared and shown as the page shows them.
        return {**super().values_of(record), "choices_text": "\n".join(record.choices or [])}

    def clean(self):
        data = super().clean()
        choices = [line.strip() for line in data.get("choices_text", "").splitlines() if line.strip()]
        if data.get("kind") in (QuestionKind.ONE, QuestionKind.MANY) and len(choices) < 2:
            self.add_error("choices_text", "選択肢を2つ以上入力してください。")
        if len(set(choices)) != len(choices):
            self.add_error("choices_text", "同じ選択肢が重複しています。")
        self.instance.choices = choices if data.get("kind") != QuestionKind.TEXT else []
        return data


class MeetingForm(YearForm):
    date_fields = ("held_on",)

    class Meta:
        model = Meeting
        fields = ["kind", "block", "held_on", "venue", "participants", "agenda", "minutes"]
        widgets = {
            "held_on": DATE,
            "participants": TEXT,
            "agenda": TEXT,
            "minutes": forms.Textarea(attrs={"rows": 8}),
        }

    def clean(self):
        data = super().clean()
        if data.get("kind") == MeetingKind.BLOCK and not data.get("block"):
            self.add_error("block", "ブロック会議はブロックを選んでください。")
        if data.get("kind") == MeetingKind.NATIONAL:
            data["block"] = None
        return data


class IssueForm(StyledModelForm):
    class Meta:
        model = MeetingIssue
        fields = ["branch", "issue", "follow_up", "status"]
        widgets = {"issue": TEXT, "follow_up": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.select_related("prefecture")
