"""The small demo tells one consistent story: councils, division, assignments, visits and enrolments."""

import re
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from assignments.models import Assignment
from conftest import names_shown
from councils.models import Allocation, CouncilMeeting
from fieldwork.models import Enrolment, Method, Visit
from org.models import Association, User
from people.models import Person
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
    assert names_shown(client.get("/field/"))
    # A believable history: no visit before the assignment it was made under, none in the future.
    for visit in Visit.objects.select_related("business"):
        since = Assignment.objects.get(business=visit.business, ended_at=None).assigned_at
        assert timezone.localdate(since) < visit.visited_on <= timezone.localdate(), visit
    # Telephone numbers as they exist in Japan: a leading 0, 10 digits (11 for a mobile).
    phones = [
        *Business.objects.values_list("phone", flat=True),
        *Person.objects.values_list("phone", flat=True),
        *Association.objects.exclude(phone="").values_list("phone", flat=True),
    ]
    assert phones and all(re.fullmatch(r"0\d{1,4}-\d{1,4}-\d{4}", p) for p in phones), phones[:5]
    assert [
        p for p in phones if len(p.replace("-", "")) != (11 if p[:3] in {"070", "080", "090"} else 10)
    ] == []


def test_the_demo_adds_visits_branch_by_branch_so_the_national_demo_follows_the_small_one(db):
    """`make national` after `make run`: a branch without visits gets them, one with visits keeps its own."""
    from conftest import make_appointment, make_business, make_person, make_user
    from fieldwork import demo
    from org.models import Branch
    from org.roles import Role

    call_command("seed_demo", size="small", seed=7, stdout=StringIO())
    tokyo_before = Visit.objects.filter(business__branch__prefecture__code="13").count()
    # Aichi as a branch that joins later, its promoter holding ten businesses not yet visited.
    aichi = Branch.objects.get(prefecture__code="23")
    promoter = make_appointment(
        make_person(aichi, "愛知 推進", user=make_user("aichi_p", Role.PROMOTER, aichi)), status="active"
    )
    for i in range(10):
        make_business(
            aichi,
            f"愛知商事{i}",
            address="愛知県名古屋市中区1-1",
            status=BusinessStatus.ALLOCATED,
            assigned_to=promoter,
        )
    assert demo.seed(size="national", seed=8)["訪問の追加"] > 0
    assert Visit.objects.filter(business__branch=aichi).exists()
    assert Visit.objects.filter(business__branch__prefecture__code="13").count() == tokyo_before
