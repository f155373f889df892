"""The rules of appointment and of coordinators' working days, as plain functions (R-PPL-3, R-PPL-7)."""

import datetime

import jpholiday

from people.models import Appointment, AppointmentRole

# Roles that visit businesses: the full R-PPL-7 conditions apply (別紙5 3; instructors visit too, R-PPL-9).
VISITING_ROLES = {AppointmentRole.PROMOTER, AppointmentRole.INSTRUCTOR}


def eligibility_failures(appointment: Appointment) -> list[str]:
    """The conditions of R-PPL-7 (and 別紙4 3 for coordinators) that an appointment fails, by name."""
    failures = []
    if not appointment.has_expertise:
        failures.append("労働保険制度等に関する専門的知識を有すること")
    if appointment.role in VISITING_ROLES:
        if not appointment.declared_no_violation:
            failures.append("過去に労働保険関係法令に違反したことがないこと（申告がありません）")
        association = appointment.person.association
        if association is not None:
            if association.had_accounting_accident:
                failures.append(f"代表する事務組合（{association.name}）に過去の会計事故等がないこと")
            if association.had_premium_seizure:
                failures.append(
                    f"代表する事務組合（{association.name}）が差押等の滞納処分を受けたことがないこと"
                )
    return failures


def is_workable_day(day: datetime.date) -> bool:
    """Weekdays that are not public holidays and not 29 December – 3 January (R-PPL-3)."""
    if day.weekday() >= 5 or jpholiday.is_holiday(day):
        return False
    return not ((day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3))


def unworkable_reason(day: datetime.date) -> str:
    if day.weekday() >= 5:
        return "土曜" if day.weekday() == 5 else "日曜"
    if holiday := jpholiday.is_holiday_name(day):
        return holiday
    if not is_workable_day(day):
        return "年末年始"
    return ""
