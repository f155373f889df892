"""Pages for coordinators: allocation per branch, working-day calendars and monthly pay."""

import calendar
import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lib import wareki
from org import access, feedback
from org.models import Branch, FiscalYear
from org.roles import HQ_ROLES, STAFF_ROLES, Role
from people import services
from people.forms import AllocationForm
from people.models import Appointment, AppointmentRole, AppointmentStatus, WorkDay
from people.rules import is_workable_day, unworkable_reason


def _fiscal_year(request) -> FiscalYear:
    return FiscalYear.chosen(request.GET.get("year") or request.POST.get("year"))


@access.role_required(*STAFF_ROLES, Role.VIEWER)
def allocation(request: access.AuthenticatedRequest) -> HttpResponse:
    """Per branch: coordinators allocated against appointed, and whether a representative is named."""
    fiscal_year = _fiscal_year(request)
    allocated = services.allocated_coordinators(fiscal_year)
    active = Q(
        appointments__fiscal_year=fiscal_year,
        appointments__role=AppointmentRole.COORDINATOR,
        appointments__status=AppointmentStatus.ACTIVE,
    )
    branches = access.visible(request.user, Branch.objects.select_related("prefecture")).annotate(
        appointed=Count("appointments", filter=active),
        representatives=Count("appointments", filter=active & Q(appointments__is_representative=True)),
    )
    rows = [
        {
            "branch": b,
            "allocated": allocated[b.pk],
            "appointed": b.appointed,
            "shortfall": max(allocated[b.pk] - b.appointed, 0),
            "has_representative": b.representatives > 0,
        }
        for b in branches
    ]
    return render(
        request,
        "people/allocation.html",
        {
            "fiscal_year": fiscal_year,
            "rows": rows,
            "years": FiscalYear.offered(),
            "totals": {
                "allocated": sum(r["allocated"] for r in rows),
                "appointed": sum(r["appointed"] for r in rows),
                "without_representative": sum(not r["has_representative"] for r in rows),
            },
            "may_edit": request.user.role in HQ_ROLES,
        },
    )


@require_POST
@access.role_required(*HQ_ROLES)
def allocation_set(request: access.AuthenticatedRequest, branch_pk: int) -> HttpResponse:
    branch = access.get_for_user(request.user, Branch.objects.all(), branch_pk)
    fiscal_year = _fiscal_year(request)
    form = AllocationForm(request.POST)
    if form.is_valid():
        services.allocation_set(
            actor=request.user, branch=branch, fiscal_year=fiscal_year, count=form.cleaned_data["count"]
        )
        messages.success(
            request, f"{branch}の{fiscal_year.label}の配置人数を{form.cleaned_data['count']}人にしました。"
        )
    else:
        messages.error(request, "配置人数は0〜99の数で入力してください。")
    return redirect(f"/coordinators/allocation/?year={fiscal_year.year}")


def _month(request, appointment: Appointment) -> datetime.date:
    value = request.GET.get("month") or request.POST.get("month") or ""
    try:
        first = datetime.date.fromisoformat(value + "-01")
    except ValueError:
        first = timezone.localdate().replace(day=1)
    start, end = appointment.fiscal_year.start, appointment.fiscal_year.end
    return min(max(first, start), end.replace(day=1))


def _calendar_context(appointment: Appointment, month: datetime.date, user) -> dict:
    in_month = list(
        WorkDay.objects.filter(
            appointment=appointment, day__year=month.year, day__month=month.month
        ).select_related("confirmed_by")
    )
    marked = {d.day for d in in_month}
    unconfirmed = [d for d in in_month if d.confirmed_at is None]
    confirmed = [d for d in in_month if d.confirmed_at is not None]
    weeks = []
    for week in calendar.Calendar(firstweekday=6).monthdatescalendar(month.year, month.month):
        weeks.append(
            [
                {
                    "day": day,
                    "in_month": day.month == month.month,
                    "marked": day in marked,
                    "workable": is_workable_day(day)
                    and appointment.term_start <= day <= appointment.term_end,
                    "reason": unworkable_reason(day),
                }
                for day in week
            ]
        )
    terms = services.terms_for(appointment.fiscal_year)
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return {
        "appointment": appointment,
        "month": month,
        "month_label": wareki.year_month(month),
        "weeks": weeks,
        "days": len(marked),
        "limit": terms.monthly_day_limit,
        "rate": terms.daily_rate,
        "pay": len(marked) * terms.daily_rate,
        "unconfirmed": len(unconfirmed),
        "confirmed": confirmed[-1] if confirmed else None,
        "confirm_problem": services.month_confirmer_problem(user, appointment, unconfirmed),
        "previous": previous if previous >= appointment.fiscal_year.start.replace(day=1) else None,
        "following": following if following <= appointment.fiscal_year.end else None,
    }


@access.role_required(*STAFF_ROLES, Role.VIEWER)
def work_days(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    appointment = access.get_for_user(
        request.user,
        Appointment.objects.filter(role=AppointmentRole.COORDINATOR).select_related("person", "fiscal_year"),
        pk,
    )
    context = _calendar_context(appointment, _month(request, appointment), request.user)
    context["may_write"] = access.may_change(request.user, Appointment, pk)
    return render(request, "people/work_days.html", context)


@require_POST
@access.role_required(*STAFF_ROLES)
def work_day_toggle(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    """htmx: mark or unmark one day; answers with the refreshed calendar."""
    appointment = access.get_for_user(
        request.user, Appointment.objects.filter(role=AppointmentRole.COORDINATOR), pk, write=True
    )
    error = ""
    try:
        day = datetime.date.fromisoformat(request.POST.get("day", ""))
        services.work_day_toggle(actor=request.user, appointment=appointment, day=day)
    except ValueError:
        error = "日付が正しくありません。"
        day = timezone.localdate()
    except ValidationError as exc:
        error = " ".join(exc.messages)
    context = _calendar_context(appointment, day.replace(day=1), request.user)
    context.update({"may_write": True, "error": error})
    return render(request, "people/work_days_calendar.html", context)


@require_POST
@access.role_required(*STAFF_ROLES)
def work_days_confirm(request: access.AuthenticatedRequest, pk: int) -> HttpResponse:
    """A second person confirms the month's days (D-7); only confirmed days are paid."""
    appointment = access.get_for_user(
        request.user, Appointment.objects.filter(role=AppointmentRole.COORDINATOR), pk, write=True
    )
    month = _month(request, appointment)
    with feedback.errors_as_message(request) as done:
        count = services.work_days_confirm(actor=request.user, appointment=appointment, month=month)
    if done:
        messages.success(request, f"{month.month}月の稼動日{count}日を確認しました。")
    return redirect(f"{reverse('work_days', args=[pk])}?month={month:%Y-%m}")


@access.role_required(*HQ_ROLES, Role.BRANCH_ADMIN, Role.BRANCH_STAFF, Role.VIEWER)
def coordinator_pay(request: access.AuthenticatedRequest) -> HttpResponse:
    """Coordinators' pay per month: days × the year's daily rate, per branch and in total (R-PPL-3)."""
    fiscal_year = _fiscal_year(request)
    days = (
        access.visible(request.user, WorkDay.objects.filter(appointment__fiscal_year=fiscal_year))
        .values(
            "appointment__branch__name", "appointment__branch__prefecture__code", "day__year", "day__month"
        )
        .annotate(days=Count("pk"))
    )
    rate = services.terms_for(fiscal_year).daily_rate
    months = [((fiscal_year.year + (m < 4)), m) for m in [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]]
    table: dict[tuple[str, str], dict[tuple[int, int], int]] = {}
    for row in days:
        key = (row["appointment__branch__prefecture__code"], row["appointment__branch__name"])
        table.setdefault(key, {})[(row["day__year"], row["day__month"])] = row["days"]
    rows: list[dict[str, Any]] = [
        {
            "branch": name,
            "cells": [cells.get(m, 0) * rate for m in months],
            "total": sum(cells.values()) * rate,
        }
        for (code, name), cells in sorted(table.items())
    ]
    totals = [sum(r["cells"][i] for r in rows) for i in range(12)]
    return render(
        request,
        "people/coordinator_pay.html",
        {
            "fiscal_year": fiscal_year,
            "rate": rate,
            "months": months,
            "rows": rows,
            "totals": totals,
            "grand_total": sum(totals),
            "years": FiscalYear.offered(),
        },
    )
