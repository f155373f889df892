"""Demo businesses on the roster of this fiscal year: a few hundred per demo branch (small) or a
share of each branch's identification target (national). Keyed by name, so running again adds nothing."""

import datetime
import random

import polars as pl
from django.db import transaction
from django.utils import timezone

from lib import cities, normalize
from org import demo
from org.models import Branch, FiscalYear
from roster.models import Business, BusinessStatus, EntryOrigin, RosterEntry

SMALL_BRANCHES = {"13": 300, "27": 200}
NATIONAL_SHARE = 2  # businesses per unit of the FY2011 identification target (50,040 → about 100,000)
INDUSTRIES = [
    "建設業",
    "製造業",
    "運輸業",
    "卸売・小売業",
    "飲食業",
    "サービス業",
    "医療・福祉",
    "農林水産業",
]
FORMS = ["株式会社", "有限会社", "合同会社", ""]


@transaction.atomic
def seed(*, size: str, seed: int) -> dict:
    fake = demo.faker(seed)
    rng = random.Random(seed)
    today = timezone.localdate()
    fiscal_year = FiscalYear.for_date(today)
    branches = Branch.objects.select_related("prefecture")
    if size == "small":
        counts = {
            b: SMALL_BRANCHES[b.prefecture.code] for b in branches if b.prefecture.code in SMALL_BRANCHES
        }
    else:
        counts = {b: b.default_identification_target * NATIONAL_SHARE for b in branches}
    added = 0
    for branch, count in counts.items():
        if Business.objects.filter(branch=branch).exists():
            continue
        rows = []
        # Real cities of the branch's prefecture, so areas can be divided and covered.
        places = cities.of_prefecture(branch.prefecture.name)
        for _ in range(count):
            city = rng.choice(places)
            form = rng.choice(FORMS)
            core = fake.last_name() + rng.choice(
                ["商事", "工業", "建設", "運輸", "食品", "サービス", "製作所", "商店"]
            )
            rows.append(
                {
                    "name": f"{form}{core}" if rng.random() < 0.6 else f"{core}{form}",
                    "address": f"{branch.prefecture.name}{city.name}{fake.town()}{fake.chome()}{fake.ban()}{fake.gou()}",
                    "city_code": city.code,
                    "city": city.name,
                }
            )
        frame = pl.DataFrame(rows)
        frame = normalize.with_address_key(
            normalize.with_names(frame, "name"), "address", key="key"
        ).with_columns(
            normalize.search_texts(pl.col("name"), pl.lit(""), pl.col("address")).alias("search_text"),
        )
        businesses = Business.objects.bulk_create(
            [
                Business(
                    branch=branch,
                    fiscal_year=fiscal_year,
                    name=row["name"],
                    prefecture=branch.prefecture,
                    address=row["address"],
                    city_code=row["city_code"],
                    city=row["city"],
                    phone=fake.phone_number(),
                    industry=rng.choice(INDUSTRIES),
                    # Unregistered businesses are mostly small: median about 5 workers, a few dozen large ones.
                    workers=min(int(rng.lognormvariate(1.6, 1.0)) + 1, 300),
                    name_core=row["core"],
                    legal_form=row["form"],
                    address_key=row["key"],
                    search_text=row["search_text"],
                    # Visits and enrolments come from the field-work demo, with their records.
                    status=BusinessStatus.ON_ROSTER,
                    identified_on=fiscal_year.start
                    + datetime.timedelta(days=rng.randint(0, max((today - fiscal_year.start).days, 0))),
                )
                for row in frame.iter_rows(named=True)
            ],
            batch_size=2000,
        )
        RosterEntry.objects.bulk_create(
            [
                RosterEntry(
                    business=b, fiscal_year=fiscal_year, origin=EntryOrigin.NEW, added_on=b.identified_on
                )
                for b in businesses
            ],
            batch_size=2000,
        )
        added += len(businesses)
    return {"名簿の事業所の追加": added}
