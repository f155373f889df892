"""The demo gives each appointed branch its briefings and training, and Tokyo's lecturer seminars with answers."""

from io import StringIO

from django.core.management import call_command

from conftest import verify_otp
from events.models import Briefing, Dispatch, Meeting, Response, Training
from org.models import User


def test_the_demo_has_events_of_every_kind_and_runs_twice(db):
    call_command("seed_demo", size="small", seed=3, stdout=StringIO())
    assert Briefing.objects.filter(held_on__isnull=False).exists()
    assert Training.objects.filter(attendance__isnull=False).exists()
    assert Dispatch.objects.get(title__endswith="第1回").lecturer.person.user.username == "tokyo_lecturer"
    assert Response.objects.exists() and Meeting.objects.filter(kind="national").count() == 1
    before = Briefing.objects.count()
    call_command("seed_demo", size="small", seed=3, stdout=StringIO())
    assert Briefing.objects.count() == before


def test_every_events_page_opens_on_the_demo(client, db):
    call_command("seed_demo", size="small", seed=3, stdout=StringIO())
    dispatch, meeting = Dispatch.objects.first(), Meeting.objects.first()
    briefing, training = (
        Briefing.objects.filter(branch__prefecture__code="13").first(),
        Training.objects.first(),
    )
    pages = [
        "/events/",
        "/events/briefings/",
        "/events/briefings/new/",
        f"/events/briefings/{briefing.pk}/",
        "/events/trainings/",
        "/events/trainings/new/",
        f"/events/trainings/{training.pk}/",
        "/events/seminars/",
        "/events/seminars/new/",
        "/events/seminars/results/",
        f"/events/seminars/{dispatch.pk}/",
        f"/events/seminars/{dispatch.pk}/poster/",
        "/events/meetings/",
        f"/events/meetings/{meeting.pk}/",
    ]
    hq_only = [
        "/events/trainings/summary/",
        "/events/seminars/questions/",
        "/events/meetings/new/",
        "/events/settings/2026/",
    ]
    hq = User.objects.get(username="hq_admin")
    client.force_login(hq)
    verify_otp(client, hq)
    for path in pages + hq_only:
        assert client.get(path).status_code == 200, path
