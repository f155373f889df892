"""Browsing the audit trail: HQ administrators see all of it, branch administrators their branch's."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.changes import readable as changes_readable
from audit.models import EVENTS, AuditEntry
from org import access
from org.forms import StyledForm
from org.models import User
from org.roles import ADMIN_ROLES


class AuditFilterForm(StyledForm):
    actor = forms.ModelChoiceField(label="操作者", queryset=User.objects.none(), required=False)
    model = forms.ModelChoiceField(label="対象", queryset=ContentType.objects.none(), required=False)
    event = forms.ChoiceField(label="イベント", required=False, choices=[("", "すべて"), *EVENTS])
    date_from = forms.DateField(
        label="開始日", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label="終了日", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = access.visible(user, User.objects.all())
        models = AuditEntry.objects.values("content_type").distinct()
        self.fields["model"].queryset = ContentType.objects.filter(pk__in=models)
        self.fields["model"].label_from_instance = lambda ct: ct.model_class()._meta.verbose_name


def _entries(request: HttpRequest):
    return access.visible(request.user, AuditEntry.objects.select_related("actor", "content_type", "branch"))


@access.role_required(*ADMIN_ROLES)
def audit_list(request: access.AuthenticatedRequest) -> HttpResponse:
    entries = _entries(request)
    filters = AuditFilterForm(request.GET or None, user=request.user)
    if filters.is_valid():
        data = filters.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor=data["actor"])
        if data["model"]:
            entries = entries.filter(content_type=data["model"])
        if data["event"]:
            entries = entries.filter(event=data["event"])
        if data["date_from"]:
            entries = entries.filter(timestamp__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(timestamp__date__lte=data["date_to"])
    page = Paginator(entries.order_by("-timestamp", "-pk"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_list.html",
        {"page": page, "filters": filters, "query": query.urlencode()},
    )


@access.role_required(*ADMIN_ROLES)
def audit_detail(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = access.get_for_user(request.user, _entries(request), pk)
    changes = changes_readable(entry.content_type.model_class(), entry.changes)
    return render(
        request,
        "audit/audit_detail.html",
        {"entry": entry, "changes": changes},
    )
