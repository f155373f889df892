"""The demo gives each appointed branch its briefings and training, and Tokyo's lecturer seminars with answers."""

from io import StringIO

from django.core.management import call_command

from events.models import Briefing, Dispatch, Meeting, Response, Training


def test_the_demo_has_events_of_every_kind_and_runs_twice(db):
    call_command("seed_demo", size="small", seed=3, stdout=StringIO())
    assert Briefing.objects.filter(held_on__isnull=False).exists()
    assert Training.objects.filter(attendance__isnull=False).exists()
    assert Dispatch.objects.get(title__endswith="第1回").lecturer.person.user.username == "tokyo_lecturer"
    assert Response.objects.exists() and Meeting.objects.filter(kind="national").count() == 1
    before = Briefing.objects.count()
    call_command("seed_demo", size="small", seed=3, stdout=StringIO())
    assert Briefing.objects.count() == before
