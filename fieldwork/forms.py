"""The visit form as a promoter fills it on a phone; the rules live in fieldwork.services."""

from django import forms
from django.utils import timezone

from fieldwork.client_keys import client_key_for
from fieldwork.models import TOPICS, EnrolmentKind, EvidenceKind, Method, Outcome
from lib import uploads
from org.forms import LongSelect, StyledForm
from org.models import Association
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
        label="同行者",
        queryset=Appointment.objects.none(),
        required=False,
        empty_label="（なし・単独）",
        widget=LongSelect,
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

    def __init__(self, *args, companions, owner, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_key", client_key_for(owner))
        kwargs["initial"].setdefault("visited_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["companion"].queryset = companions
        # Role and name only: the year is this year's for all, and naming it cost a query per person
        # (a national branch lists about a thousand).
        self.fields["companion"].label_from_instance = lambda a: (
            f"{a.get_role_display()} {a.person.full_name}"
        )
        for name in ("method", "topics", "outcome"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


class EnrolmentForm(StyledForm):
    # Made when the form is shown: sent twice (a double tap, a draft sent again), it is recorded once.
    # A post without one (an older page still open) is recorded as before.
    client_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label="成立の区分", choices=EnrolmentKind.choices, widget=forms.RadioSelect)
    insurance_number = forms.CharField(
        label="労働保険番号",
        max_length=20,
        help_text="14桁（都道府県2・所掌1・管轄2・基幹番号6・枝番号3）。ハイフンはあってもなくても構いません。",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    enrolled_on = forms.DateField(label="成立日", widget=DATE)
    association = forms.ModelChoiceField(
        label="手続した労働保険事務組合",
        queryset=Association.objects.none(),
        required=False,
        empty_label="（事業主が自ら手続）",
    )
    filed_electronically = forms.BooleanField(
        label="被保険者資格取得届を電子申請で提出した",
        required=False,
        help_text="雇用保険の成立のとき。電子申請システムからメールで届く処理完了通知を印刷して添付します。",
    )
    bureau_guidance = forms.BooleanField(
        label="労働局の手続指導による成立", required=False, help_text="成功報酬費の対象外です。"
    )
    ex_officio = forms.BooleanField(label="職権成立", required=False, help_text="成功報酬費の対象外です。")
    one_insurance_only = forms.BooleanField(
        label="この事業所には、もう一方の保険は適用されない",
        required=False,
        help_text="両方の保険が適用される事業所が一方だけ成立した場合は「一部成立」として名簿に残り、"
        "もう一方の加入勧奨を続けます。",
    )

    def __init__(self, *args, associations, owner, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_key", client_key_for(owner))
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = associations
        for name in ("kind",):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        for name in ("filed_electronically", "bureau_guidance", "ex_officio", "one_insurance_only"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


def evidence_files(request) -> list[tuple[str, str, bytes]]:
    """The uploaded evidence as (kind, filename, data); each kind's input may hold several files."""
    limit = uploads.MAX_BYTES + 1
    return [
        (kind, upload.name, upload.read(limit))
        for kind in EvidenceKind.values
        for upload in request.FILES.getlist(f"evidence_{kind}")
    ]
