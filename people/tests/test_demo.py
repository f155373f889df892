"""The demo data's people pass the same checks as real ones."""

from django.core.management import call_command

from people.models import Appointment, AppointmentStatus, BankAccount
from people.services import clean_bank_account


def test_demo_coordinators_and_promoters_are_appointed_with_valid_accounts(db):
    call_command("seed_demo", size="small", seed=3, stdout=open("/dev/null", "w"))
    active = Appointment.objects.filter(status=AppointmentStatus.ACTIVE)
    # Tokyo's and Osaka's FY2011 allocations, plus the demo logins tokyo_staff and osaka_staff.
    assert active.filter(role="coordinator").count() == 8 + 6 + 2
    assert active.filter(role="promoter").count() >= 32
    assert active.filter(is_representative=True).count() == 2
    assert all(a.pledge_signed_on for a in active)
    for account in BankAccount.objects.all():
        cleaned = clean_bank_account(
            bank_code=account.bank_code,
            branch_code=account.branch_code,
            account_type=account.account_type,
            account_number=account.account_number,
            holder_name=account.holder_kana,
        )
        assert cleaned["holder_kana"] == account.holder_kana
    call_command("seed_demo", size="small", seed=3, stdout=open("/dev/null", "w"))
    assert Appointment.objects.count() == active.count()
