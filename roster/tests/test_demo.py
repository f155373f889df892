"""Demo roster: businesses on this year's roster of the demo branches, added once."""

from io import StringIO

from django.core.management import call_command

from roster.models import Business, RosterEntry


def test_small_demo_puts_businesses_on_the_demo_branches_rosters(db):
    call_command("seed_demo", size="small", seed=5, stdout=StringIO())
    tokyo = Business.objects.filter(branch__prefecture__code="13")
    assert tokyo.count() == 300 and Business.objects.filter(branch__prefecture__code="27").count() == 200
    assert RosterEntry.objects.count() == 500
    assert all(b.name_core and b.address_key for b in tokyo[:20])
    call_command("seed_demo", size="small", seed=5, stdout=StringIO())
    assert Business.objects.count() == 500
