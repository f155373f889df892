"""The demo's assignments: the demo promoter login always has businesses to visit."""

from types import SimpleNamespace

from assignments.demo import demo_logins_first


def _appointment(pk, username):
    return SimpleNamespace(
        pk=pk, person=SimpleNamespace(user=username and SimpleNamespace(username=username))
    )


def test_the_demo_promoter_comes_first_even_when_appointed_after_the_generated_ones():
    # A national branch has more promoters than cities: only the first ones get an area.
    appointments = [_appointment(1, "p13_0001"), _appointment(2, None), _appointment(9, "tokyo_promoter")]
    assert [a.pk for a in demo_logins_first(appointments)] == [9, 1, 2]
