"""A business's status moves only along the workflow, and every step is kept."""

import datetime

import pytest

from org.models import FiscalYear
from org.workflow import MoveRefused
from roster.models import Business, BusinessStatus


@pytest.fixture
def business(people, tokyo):
    return Business.objects.create(
        branch=tokyo,
        fiscal_year=FiscalYear.objects.get(year=2026),
        name="株式会社山田商事",
        prefecture=tokyo.prefecture,
        address="東京都千代田区霞が関3-1-1",
        name_core="山田商事",
        legal_form="株式会社",
        address_key="千代田区霞が関3-1-1",
        identified_on=datetime.date(2026, 5, 1),
    )


def test_each_step_is_recorded_with_who_and_why(business, people):
    business.set_status(BusinessStatus.ON_ROSTER, by=people["tokyo_staff"])
    business.set_status(BusinessStatus.HANDED_OVER, by=people["tokyo_staff"], reason="困難事案")
    steps = [(c.from_status, c.to_status, c.reason) for c in business.status_changes.all()]
    assert steps == [("identified", "on_roster", ""), ("on_roster", "handed_over", "困難事案")]
    assert Business.objects.get(pk=business.pk).status == BusinessStatus.HANDED_OVER


def test_a_step_outside_the_workflow_is_refused(business):
    with pytest.raises(MoveRefused, match="「把握」から「訪問済」には進めません"):
        business.set_status(BusinessStatus.VISITED)
    assert not business.status_changes.exists()
