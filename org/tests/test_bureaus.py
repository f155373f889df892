"""The labour bureaus and their offices as master data, and the councils and handovers that name
them (R-ORG-4, R-CNL-5, R-CNL-6)."""

import datetime

import pytest

from conftest import login, make_business, post_edit
from councils.models import CouncilMeeting, Handover
from org.models import InspectionOffice, LabourBureau, Prefecture
from roster.models import BusinessStatus


def test_every_prefecture_has_its_labour_bureau_R_ORG_4(db):
    assert LabourBureau.objects.count() == Prefecture.objects.count() == 47
    names = dict(LabourBureau.objects.values_list("prefecture__code", "name"))
    assert (names["01"], names["13"], names["27"]) == ("北海道労働局", "東京労働局", "大阪労働局")


@pytest.fixture
def tokyo_bureau(tokyo):
    return LabourBureau.objects.get(prefecture=tokyo.prefecture)


def test_a_branch_keeps_its_bureaus_contacts_and_offices(client, people, tokyo, tokyo_bureau):
    login(client, people["tokyo_staff"])
    response = post_edit(
        client,
        f"/org/bureaus/{tokyo_bureau.pk}/edit/",
        {
            "name": "東京労働局",
            "postal_code": "102-8305",
            "phone": "03-3512-1611",
            "department": "労働保険徴収課",
        },
    )
    assert response.status_code == 302
    tokyo_bureau.refresh_from_db()
    assert (tokyo_bureau.postal_code, tokyo_bureau.department) == ("1028305", "労働保険徴収課")
    client.post(
        f"/org/bureaus/{tokyo_bureau.pk}/inspection/new/",
        {"name": "新宿労働基準監督署", "phone": "03-3361-3949", "area": "新宿区、中野区、杉並区"},
    )
    office = InspectionOffice.objects.get()
    assert office.bureau == tokyo_bureau
    page = client.get(f"/org/bureaus/{tokyo_bureau.pk}/").content.decode()
    assert "新宿労働基準監督署" in page and "〒102-8305" in page and "中野区" in page
    assert client.get("/org/bureaus/").content.decode().count("労働局</a>") == 1  # its own only
    assert client.get(f"/org/bureaus/{tokyo_bureau.pk}/nowhere/new/").status_code == 404


def test_another_branchs_bureau_is_404_and_a_viewer_only_reads(client, people, tokyo, osaka, tokyo_bureau):
    login(client, people["osaka_staff"])
    assert client.get(f"/org/bureaus/{tokyo_bureau.pk}/").status_code == 404
    assert client.post(f"/org/bureaus/{tokyo_bureau.pk}/edit/", {"name": "x"}).status_code == 404
    login(client, people["tokyo_viewer"])
    assert client.get(f"/org/bureaus/{tokyo_bureau.pk}/").status_code == 200
    assert client.post(f"/org/bureaus/{tokyo_bureau.pk}/edit/", {"name": "x"}).status_code == 403
    login(client, people["hq_staff"])
    assert client.get("/org/bureaus/").content.decode().count("労働局</a>") == 47


def test_a_local_council_names_its_office_and_only_with_its_kind_R_CNL_6(client, people, tokyo, tokyo_bureau):
    office = InspectionOffice.objects.create(
        bureau=tokyo_bureau, name="新宿労働基準監督署", phone="03-3361-3949"
    )
    login(client, people["tokyo_staff"])
    data = {"year": 2026, "number": "extra", "counterpart": "bureau", "planned_on": "2026-06-01"}
    refused = client.post("/councils/new/", {**data, "inspection_office": office.pk})
    assert "相手方が「労働基準監督署」の協議会のときに選んでください。" in refused.content.decode()
    page = client.post(
        "/councils/new/",
        {**data, "counterpart": "inspection_office", "inspection_office": office.pk},
        follow=True,
    ).content.decode()
    assert CouncilMeeting.objects.get().inspection_office == office
    assert "新宿労働基準監督署（03-3361-3949）" in page


def test_a_council_with_the_bureau_shows_the_bureaus_contact(client, people, tokyo, tokyo_bureau):
    tokyo_bureau.phone = "03-3512-1611"
    tokyo_bureau.save()
    login(client, people["tokyo_staff"])
    data = {"year": 2026, "number": "1", "counterpart": "bureau", "planned_on": "2026-04-20"}
    page = client.post("/councils/new/", data, follow=True).content.decode()
    assert "東京労働局（03-3512-1611）" in page


def test_a_handover_names_the_office_that_takes_it_up_R_CNL_5(client, people, tokyo, osaka, tokyo_bureau):
    office = InspectionOffice.objects.create(bureau=tokyo_bureau, name="新宿労働基準監督署")
    elsewhere = InspectionOffice.objects.create(
        bureau=LabourBureau.objects.get(prefecture=osaka.prefecture), name="天満労働基準監督署"
    )
    business = make_business(tokyo, "困難商事", status=BusinessStatus.VISITED)
    login(client, people["tokyo_staff"])
    form = {"handed_over_on": "2026-06-01", "reason": "度重なる訪問を拒否"}
    refused = client.post(
        f"/councils/handovers/new/{business.pk}/", {**form, "inspection_office": elsewhere.pk}
    )
    assert "正しく選択してください" in refused.content.decode()
    client.post(f"/councils/handovers/new/{business.pk}/", {**form, "inspection_office": office.pk})
    assert Handover.objects.get().inspection_office == office
    assert "新宿労働基準監督署" in client.get("/councils/handovers/", {"year": 2026}).content.decode()


def test_a_briefing_held_with_the_bureau_shows_its_contact(client, people, tokyo, tokyo_bureau):
    from events.models import Briefing
    from org.models import FiscalYear

    tokyo_bureau.phone, tokyo_bureau.department = "03-3512-1611", "労働保険徴収課"
    tokyo_bureau.save()
    briefing = Briefing.objects.create(
        branch=tokyo,
        fiscal_year=FiscalYear.objects.get(year=2026),
        title="労働保険の説明会",
        planned_on=datetime.date(2026, 10, 1),
        partner="bureau",
        partner_name="新宿労働基準監督署",
        venue="会館",
        presenter="支部",
        created_by=people["tokyo_staff"],
    )
    login(client, people["tokyo_staff"])
    page = client.get(f"/events/briefings/{briefing.pk}/").content.decode()
    assert "東京労働局</a> 03-3512-1611 労働保険徴収課" in page
