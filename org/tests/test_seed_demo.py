"""seed_demo: fixed demo logins, and small or national generated data."""

from base64 import b32encode
from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from org import demo
from org.models import Branch, User
from org.roles import Role


def seed(size="small", seed=2024) -> str:
    out = StringIO()
    call_command("seed_demo", size=size, seed=seed, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_small_demo_has_one_login_per_role_and_running_twice_adds_nothing():
    seed()
    first = User.objects.count()
    assert set(
        User.objects.filter(username__in=[d.username for d in demo.DEMO_LOGINS]).values_list(
            "role", flat=True
        )
    ) == set(Role)
    assert "追加" in seed()
    assert User.objects.count() == first


@pytest.mark.django_db
def test_demo_logins_work_with_the_documented_password_and_totp_key(client):
    seed()
    response = client.post("/login/", {"username": "hq_admin", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user__username="hq_admin")
    assert device.key == demo.DEMO_TOTP_KEY_HEX
    assert b32encode(device.bin_key).decode() == demo.DEMO_TOTP_KEY_BASE32
    assert client.post("/otp/", {"token": f"{totp(device.bin_key):06d}"}).status_code == 302
    assert client.get("/users/").status_code == 200


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_people():
    branches = {b.prefecture.code: b for b in Branch.objects.select_related("prefecture")}

    def names(seed):
        return [u.full_name for u in demo._generated_users(branches, "small", seed)]

    assert names(7) == names(7)
    assert names(7) != names(8)


@pytest.mark.django_db
def test_national_demo_has_166_coordinators_and_7700_promoters_in_47_branches_R_PPL_2_R_PPL_6():
    demo.seed(size="national", seed=2024)  # the accounts only; other apps' national demo is larger
    generated = User.objects.exclude(username__in=[d.username for d in demo.DEMO_LOGINS])
    assert generated.filter(role=Role.BRANCH_STAFF).count() == 166
    assert generated.filter(role=Role.PROMOTER).count() == 7700
    assert generated.values("branch").distinct().count() == 47
    assert generated.filter(role=Role.BRANCH_STAFF, branch__prefecture__code="13").count() == 8  # 東京 8
    assert all(" " in name for name in generated.values_list("full_name", flat=True)[:50])


def test_promoters_are_split_in_proportion_and_sum_exactly():
    counts = demo.promoter_counts(10, {"01": 1, "02": 1, "03": 1})
    assert sum(counts.values()) == 10
    assert sorted(counts.values()) == [3, 3, 4]


@pytest.mark.parametrize(
    "role, branch, outcome",
    [
        ("hq_admin", None, "作成"),
        ("hq_staff", None, "作成"),
        ("viewer", None, "作成"),
        ("promoter", None, "には支部が必要です"),
        ("branch_staff", None, "には支部が必要です"),
        ("somebody", None, "はありません"),
    ],
)
def test_createsuperuser_gives_an_account_or_a_clear_message_for_every_role(
    db, monkeypatch, role, branch, outcome
):
    """Never a raw IntegrityError from the role and branch check."""
    from django.core.management.base import CommandError

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Kanri-2026-Honbu!")
    monkeypatch.setenv("DJANGO_SUPERUSER_FULL_NAME", "本部 太郎")
    monkeypatch.setenv("DJANGO_SUPERUSER_ROLE", role)
    args = ["createsuperuser", "--noinput", "--username", f"su_{role}", "--email", "su@example.jp"]
    if outcome == "作成":
        call_command(*args, stdout=StringIO())
        assert User.objects.get(username=f"su_{role}").role == role
    else:
        with pytest.raises(CommandError, match=outcome):
            call_command(*args, stdout=StringIO())
        assert not User.objects.filter(username=f"su_{role}").exists()
