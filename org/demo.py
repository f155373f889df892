"""Demo data: fixed demo logins for every role, and generated staff and promoters (small or national).

Everything is keyed by username, so running it again adds nothing. Generated accounts have no
usable password: they exist to give the pages national-sized content, not to log in.
"""

import csv
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker
from faker.providers import BaseProvider

from org.data import PREFECTURES_CSV
from org.models import Branch, User
from org.roles import Role

DEMO_PASSWORD = "issou-demo-2024"  # noqa: S105 (published in the README on purpose)
# RFC 6238's test key "12345678901234567890"; base32 for an authenticator app:
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"
DEMO_TOTP_KEY_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

NATIONAL_PROMOTERS = 7700  # R-PPL-6: about 7,700 in FY2024


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    full_name_kana: str
    role: Role
    pref_code: str | None  # None: HQ


DEMO_LOGINS = [
    DemoLogin("hq_admin", "本部 管理太郎", "ホンブ カンリタロウ", Role.HQ_ADMIN, None),
    DemoLogin("hq_staff", "本部 職員花子", "ホンブ ショクインハナコ", Role.HQ_STAFF, None),
    DemoLogin("hq_viewer", "本部 閲覧次郎", "ホンブ エツランジロウ", Role.VIEWER, None),
    DemoLogin("tokyo_admin", "東京 管理一郎", "トウキョウ カンリイチロウ", Role.BRANCH_ADMIN, "13"),
    DemoLogin("tokyo_staff", "東京 促進美咲", "トウキョウ ソクシンミサキ", Role.BRANCH_STAFF, "13"),
    DemoLogin("tokyo_promoter", "東京 推進健一", "トウキョウ スイシンケンイチ", Role.PROMOTER, "13"),
    DemoLogin("tokyo_instructor", "東京 指導誠", "トウキョウ シドウマコト", Role.INSTRUCTOR, "13"),
    DemoLogin("tokyo_lecturer", "東京 講師恵子", "トウキョウ コウシケイコ", Role.LECTURER, "13"),
    DemoLogin("tokyo_viewer", "東京 閲覧愛", "トウキョウ エツランアイ", Role.VIEWER, "13"),
    DemoLogin("osaka_staff", "大阪 促進翔太", "オオサカ ソクシンショウタ", Role.BRANCH_STAFF, "27"),
]


class _PhoneProvider(BaseProvider):
    """Telephone numbers as they exist in Japan. Faker's ja_JP drops the leading zero of some
    (「12-8411-9002」), which no office would accept as a number."""

    def phone_number(self) -> str:
        if self.generator.random.random() < 0.4:
            return f"0{self.random_element('789')}0-{self.numerify('####')}-{self.numerify('####')}"
        # A fixed line: a 2-digit area code with a 4-digit exchange, or a 3-digit one with 3 (10 digits).
        if self.generator.random.random() < 0.5:
            return f"0{self.random_element('3456')}-{self.numerify('%###')}-{self.numerify('####')}"
        # The area code never reads 0X0, which is a mobile's.
        return f"0{self.numerify('%%')}-{self.numerify('%##')}-{self.numerify('####')}"


def faker(seed: int) -> Faker:
    """The demo's source of Japanese names, addresses and numbers, seeded: the same seed, the same data."""
    fake = Faker("ja_JP")
    fake.add_provider(_PhoneProvider)
    fake.seed_instance(seed)
    return fake


def _allocation() -> dict[str, dict[str, int]]:
    """Per prefecture code: FY2011 coordinators (R-PPL-2) and identification target (R-ROS-2)."""
    with PREFECTURES_CSV.open(encoding="utf-8") as handle:
        return {
            row["jis_code"]: {
                "coordinators": int(row["fy2011_coordinators"]),
                "target": int(row["fy2011_identification_target"]),
            }
            for row in csv.DictReader(handle)
        }


def promoter_counts(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split ``total`` promoters across branches in proportion to ``weights`` (largest remainder)."""
    weight_sum = sum(weights.values())
    exact = {code: total * weight / weight_sum for code, weight in weights.items()}
    counts = {code: int(value) for code, value in exact.items()}
    short = total - sum(counts.values())
    for code in sorted(exact, key=lambda c: (counts[c] - exact[c], c))[:short]:
        counts[code] += 1
    return counts


def _ensure_demo_logins(branches: dict[str, Branch]) -> list[DemoLogin]:
    created = []
    for login in DEMO_LOGINS:
        if User.objects.filter(username=login.username).exists():
            continue
        user = User(
            username=login.username,
            full_name=login.full_name,
            full_name_kana=login.full_name_kana,
            role=login.role,
            branch=branches[login.pref_code] if login.pref_code else None,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if user.requires_otp:
            TOTPDevice.objects.create(
                user=user, name="デモ用認証アプリ", key=DEMO_TOTP_KEY_HEX, confirmed=True
            )
        created.append(login)
    return created


def _generated_users(branches: dict[str, Branch], size: str, seed: int) -> list[User]:
    allocation = _allocation()
    if size == "national":
        codes = sorted(branches)
        promoters = promoter_counts(NATIONAL_PROMOTERS, {code: allocation[code]["target"] for code in codes})
    else:
        codes = ["13", "27"]
        promoters = {"13": 20, "27": 12}
    fake = faker(seed)
    users = []
    for code in codes:
        branch = branches[code]
        plan = [
            (Role.BRANCH_STAFF, "s", allocation[code]["coordinators"]),
            (Role.PROMOTER, "p", promoters[code]),
        ]
        for role, letter, count in plan:
            for number in range(1, count + 1):
                last, last_kana, _ = fake.last_name_pair()
                first, first_kana, _ = fake.first_name_pair()
                user = User(
                    username=f"{code}{letter}{number:04d}",
                    full_name=f"{last} {first}",
                    full_name_kana=f"{last_kana} {first_kana}",
                    role=role,
                    branch=branch,
                )
                user.set_unusable_password()
                users.append(user)
    return users


@transaction.atomic
def seed(*, size: str, seed: int) -> dict:
    branches = {b.prefecture.code: b for b in Branch.objects.select_related("prefecture")}
    created_logins = _ensure_demo_logins(branches)
    generated = _generated_users(branches, size, seed)
    existing = set(
        User.objects.filter(username__in=[u.username for u in generated]).values_list("username", flat=True)
    )
    # bulk_create skips per-row signals: generated demo rows are not business changes to audit.
    User.objects.bulk_create([u for u in generated if u.username not in existing], batch_size=1000)
    return {
        "デモ用ログインの追加": len(created_logins),
        "生成ユーザーの追加": len(generated) - len(existing),
        "生成ユーザー（全体）": len(generated),
    }
