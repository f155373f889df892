"""The demo's associations: a register a new site can be shown, with the plan's rate (R-ORG-3)."""

from django.core.management import call_command
from django.utils import timezone

from associations import rates
from associations.models import Membership
from org.models import Association, Branch


def test_the_demo_fills_every_register_near_the_plans_rate_and_adds_nothing_again(db):
    call_command("seed_demo", size="small", seed=3, stdout=open("/dev/null", "w"))
    tokyo = Branch.objects.get(prefecture__code="13")
    rate = rates.by_branch(timezone.localdate(), [tokyo.pk])[tokyo.pk]
    assert (rate.members, rate.total) == (10, 12)
    assert str(rate.percent) == "83.3"
    assert not Association.objects.filter(approved_on__isnull=True).exists()
    # Each member's one open period agrees with its flag.
    assert (
        Membership.objects.filter(left_on__isnull=True).count()
        == Association.objects.filter(is_member=True).count()
    )
    counts = Association.objects.count(), Membership.objects.count()
    call_command("seed_demo", size="small", seed=3, stdout=open("/dev/null", "w"))
    assert (Association.objects.count(), Membership.objects.count()) == counts
