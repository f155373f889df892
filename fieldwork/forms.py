"""The visit form as a promoter fills it on a phone; the rules live in fieldwork.services."""

import uuid

from django import forms
from django.utils import timezone

from fieldwork.models import TOPICS, Method, Outcome
from org.forms import StyledForm
from people.models import Appointment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VisitForm(StyledForm):
    client_key = forms.UUIDField(widget=forms.HiddenInput)
    visited_on = forms.DateField(label="訪問日", widget=DATE)
    visited_at = forms.TimeField(
        label="時刻", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    method = forms.ChoiceField(
        label="方法",
        choices=Method.choices,
        initial=Method.DIRECT,
        widget=forms.RadioSelect,
        help_text="直接訪問だけが加入勧奨として数えられ、調査説明費の対象になります（電話・はがき・文書は対象外）。",
    )
    companion = forms.ModelChoiceField(
        label="同行者", queryset=Appointment.objects.none(), required=False, empty_label="（なし・単独）"
    )
    met = forms.CharField(label="面談者", max_length=100, required=False, help_text="例：代表者、総務担当者")
    topics = forms.MultipleChoiceField(
        label="説明した内容",
        choices=list(TOPICS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = forms.ChoiceField(label="結果", choices=Outcome.choices, widget=forms.RadioSelect)
    next_action = forms.CharField(label="次の対応", max_length=200, required=False)
    next_on = forms.DateField(label="次回予定日", required=False, widget=DATE)
    notes = forms.CharField(label="メモ", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, companions, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_key", uuid.uuid4())
        kwargs["initial"].setdefault("visited_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["companion"].queryset = companions
        for name in ("method", "topics", "outcome"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
