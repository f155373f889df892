"""The small demo tells one consistent story: councils, division, assignments, visits and enrolments."""

from io import StringIO

from django.core.management import call_command

from assignments.models import Assignment
from councils.models import Allocation, CouncilMeeting
from fieldwork.models import Enrolment, Method, Visit
from org.models import User
from roster.models import Business, BusinessStatus


def test_the_demo_records_back_every_status_and_runs_once(client, db):
    call_command("seed_demo", size="small", seed=7, stdout=StringIO())
    counts = [
        CouncilMeeting.objects.count(),
        Allocation.objects.count(),
        Assignment.objects.count(),
        Visit.objects.count(),
    ]
    call_command("seed_demo", size="small", seed=7, stdout=StringIO())
    assert counts == [
        CouncilMeeting.objects.count(),
        Allocation.objects.count(),
        Assignment.objects.count(),
        Visit.objects.count(),
    ]
    assert min(counts) > 0
    visited = Business.objects.filter(
        status__in=[BusinessStatus.VISITED, BusinessStatus.REFUSED, BusinessStatus.ENROLLED]
    )
    assert visited.exists()
    assert not visited.exclude(visits__method=Method.DIRECT).exists()
    assert not Business.objects.filter(status=BusinessStatus.ENROLLED, enrolments__isnull=True).exists()
    assert Enrolment.objects.filter(evidence__isnull=True).count() == 0
    promoter = User.objects.get(username="tokyo_promoter")
    client.force_login(promoter)
    assert client.get("/field/").context["businesses"].count() > 0
