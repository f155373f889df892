"""Coordinator allocation per branch and year (R-PPL-2) and branch representatives (R-PPL-4)."""

from conftest import login, make_appointment, make_person
from org.models import Branch, FiscalYear
from people import services


def test_the_fy2011_table_is_the_default_R_PPL_2(db):
    allocated = services.allocated_coordinators(FiscalYear.objects.get(year=2026))
    assert sum(allocated.values()) == 166
    by_code = {b.prefecture.code: allocated[b.pk] for b in Branch.objects.select_related("prefecture")}
    assert (by_code["13"], by_code["01"], by_code["27"], by_code["14"], by_code["11"], by_code["47"]) == (
        8,
        6,
        6,
        5,
        4,
        3,
    )


def test_hq_sets_a_years_allocation_and_the_page_compares_it_with_appointments(client, people, tokyo):
    make_appointment(
        make_person(tokyo, "促進 一"), role="coordinator", status="active", is_representative=True
    )
    login(client, people["hq_staff"])
    client.post(f"/coordinators/allocation/{tokyo.pk}/", {"year": "2026", "count": "9"})
    response = client.get("/coordinators/allocation/?year=2026")
    row = next(r for r in response.context["rows"] if r["branch"] == tokyo)
    assert (row["allocated"], row["appointed"], row["shortfall"], row["has_representative"]) == (
        9,
        1,
        8,
        True,
    )
    assert response.context["totals"]["without_representative"] == 46
    # Another year keeps the default table.
    other = client.get("/coordinators/allocation/?year=2025")
    assert next(r for r in other.context["rows"] if r["branch"] == tokyo)["allocated"] == 8


def test_branches_see_their_own_row_and_cannot_change_allocations(client, people, tokyo):
    login(client, people["tokyo_admin"])
    response = client.get("/coordinators/allocation/?year=2026")
    assert [r["branch"] for r in response.context["rows"]] == [tokyo]
    assert (
        client.post(f"/coordinators/allocation/{tokyo.pk}/", {"year": "2026", "count": "20"}).status_code
        == 403
    )
