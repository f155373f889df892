"""Forms for importing lists into the roster."""

from django import forms

from org import access
from org.forms import FiscalYearField, StyledForm
from org.models import Branch
from roster.importing import FIELDS, REQUIRED
from roster.models import SourceKind


class UploadForm(StyledForm):
    file = forms.FileField(label="ファイル（.xlsx または .csv）")
    kind = forms.ChoiceField(
        label="出典",
        choices=[
            (kind.value, kind.label)
            for kind in (SourceKind.LIST, SourceKind.MINISTRY_LIST, SourceKind.NTA, SourceKind.REGISTERED)
        ],
        help_text="法人番号公表サイトのデータ（Unicode版CSV・zip）は、登録済みの適用事業と突き合わせ、未手続候補を名簿に加えます。",
    )
    branch = forms.ModelChoiceField(label="支部", queryset=Branch.objects.none())
    fiscal_year = FiscalYearField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = access.visible(user, Branch.objects.all())
        if not user.is_hq:
            self.fields["branch"].initial = user.branch
            self.fields["branch"].disabled = True


class MappingForm(StyledForm):
    """Which column of the file holds each field; the choice is remembered for the next upload."""

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "（使わない）"), *[(h, h) for h in headers]]
        for name, label in FIELDS.items():
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=name in REQUIRED)


class NtaFeedForm(StyledForm):
    file = forms.FileField(
        label="差分データ（法人番号公表サイト、Unicode版CSV・zip）",
        help_text="例：diff_20261127.zip。何度取り込んでも、同じ内容は二重に反映されません。",
    )
