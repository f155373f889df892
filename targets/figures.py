"""The dashboards' counted figures, kept in the cache per branch until that branch's records change.

Counting every visit of the year on every request made the target dashboards take over a second
with eight people looking at once. Each branch's figures are kept under its revision
(org.revisions), which changes in the same transaction as any record they are counted from: the
receivers below for single saves and deletes, and the bulk paths (roster import, rollover, training
attendance, demo data) touch it themselves. A page thus shows what the database holds when its
revisions were read; only the branches whose records changed are counted again.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from councils.models import CouncilMeeting
from events.models import Briefing, BriefingAttendance, Training, TrainingAttendance
from fieldwork import activity
from fieldwork.measures import excluded_by_branch, no_exclusions, sum_exclusions
from fieldwork.models import Enrolment, Visit
from insurance.models import Agent, PremiumIncome, ProgramRecord
from org import revisions
from org.models import Branch, FiscalYear
from people.models import Appointment
from roster.models import Business, RosterEntry
from targets import measures

# A figure is kept at most a day: enough to serve every request of a quiet branch, and a bound on
# what a missed revision (a bulk change that forgot to touch it) could ever show.
KEPT_FOR = 24 * 60 * 60


class Figures:
    """The counted figures of some branches in one fiscal year, read at one set of revisions."""

    def __init__(self, fiscal_year: FiscalYear, branch_ids: list[int], *, nation: bool = False):
        self.fiscal_year = fiscal_year
        self.branch_ids = list(branch_ids)
        # All branches: the counting queries make one pass over each table instead of a long IN list.
        self.nation = nation
        self.revisions = revisions.of(self.branch_ids)

    def _kept(self, name: str, count, empty) -> dict:
        """{branch id: figure}, from the cache or counted for the branches missing from it."""
        keys = {
            pk: f"figures:{name}:{self.fiscal_year.pk}:{pk}:{self.revisions[pk]}" for pk in self.branch_ids
        }
        found = cache.get_many(list(keys.values()))
        missing = [pk for pk in self.branch_ids if keys[pk] not in found]
        if missing:
            counted = count(None if self.nation and len(missing) == len(self.branch_ids) else missing)
            fresh = {keys[pk]: counted.get(pk, empty) for pk in missing}
            cache.set_many(fresh, KEPT_FOR)
            found.update(fresh)
        return {pk: found[keys[pk]] for pk in self.branch_ids}

    def monthly(self, measure: str) -> dict[int, list[int]]:
        """{branch id: [April … March]} of one target measure (targets.measures.monthly)."""
        return self._kept(
            f"monthly:{measure}", lambda ids: measures.monthly(self.fiscal_year, measure, ids), [0] * 12
        )

    def excluded_enrolments(self) -> list[tuple[str, int]]:
        """D-8: the enrolments left out of the enrolment measure, by kind, summed over the branches."""
        kept = self._kept(
            "excluded",
            lambda ids: excluded_by_branch(self.fiscal_year, ids),
            no_exclusions(),
        )
        return sum_exclusions(kept.values())

    def by_person(self, branch: Branch) -> dict:
        """One branch's counts per promoter or instructor (fieldwork.activity.by_person)."""
        return self._kept(
            "people", lambda ids: {branch.pk: activity.by_person(branch, self.fiscal_year)}, {}
        )[branch.pk]


def _branch_of_business(instance) -> list:
    # The business is usually loaded already (recording a visit locks it): no query then.
    if type(instance).business.is_cached(instance):
        return [instance.business.branch_id]
    return [Business.objects.filter(pk=instance.business_id).values_list("branch", flat=True).first()]


# Where each counted record belongs: {model: instance → branch ids}. Not Business itself: no
# measure counts a business's own columns, and its status changes with every visit (a hot path).
BRANCH_OF = {
    Visit: _branch_of_business,
    Enrolment: _branch_of_business,
    RosterEntry: _branch_of_business,
    Briefing: lambda b: [b.branch_id],
    BriefingAttendance: lambda a: [
        Briefing.objects.filter(pk=a.briefing_id).values_list("branch", flat=True).first()
    ],
    Training: lambda t: [t.branch_id],
    TrainingAttendance: lambda a: [
        Training.objects.filter(pk=a.training_id).values_list("branch", flat=True).first()
    ],
    CouncilMeeting: lambda m: [m.branch_id],
    Appointment: lambda a: [a.branch_id],
    ProgramRecord: lambda r: [r.branch_id],
    PremiumIncome: lambda p: [
        Agent.objects.filter(pk=p.agent_id).values_list("association__branch", flat=True).first()
    ],
}


def _changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        revisions.touch(BRANCH_OF[sender](instance))


def connect() -> None:
    for model in BRANCH_OF:
        post_save.connect(_changed, sender=model, dispatch_uid=f"figures-{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"figures-deleted-{model._meta.label}")
