"""Accounts: HQ administrators manage all users, branch administrators their branch's."""

import pytest
from django.db import IntegrityError

from conftest import PASSWORD, login, make_user, post_edit
from org.models import User
from org.roles import Role

NEW_PASSWORD = "tokyo-new-user-2024"


def new_user_form(**overrides):
    data = {
        "username": "new_user",
        "full_name": "新規 太郎",
        "full_name_kana": "シンキ タロウ",
        "email": "new@example.jp",
        "role": Role.BRANCH_STAFF,
        "password": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def test_hq_admin_creates_a_user_in_any_branch(client, people, osaka):
    login(client, people["hq_admin"])
    response = client.post("/users/new/", new_user_form(branch=osaka.pk))
    assert response.status_code == 302
    user = User.objects.get(username="new_user")
    assert (user.branch, user.role) == (osaka, Role.BRANCH_STAFF)
    assert user.check_password(NEW_PASSWORD)


def test_hq_admin_creates_an_hq_wide_viewer(client, people):
    login(client, people["hq_admin"])
    client.post("/users/new/", new_user_form(role=Role.VIEWER, branch=""))
    assert User.objects.get(username="new_user").is_hq


def test_hq_roles_cannot_belong_to_a_branch(client, people, tokyo):
    login(client, people["hq_admin"])
    response = client.post("/users/new/", new_user_form(role=Role.HQ_STAFF, branch=tokyo.pk))
    assert "本部の役割には所属支部を指定できません" in response.content.decode()
    assert not User.objects.filter(username="new_user").exists()


def test_the_database_refuses_a_branch_role_without_a_branch(people):
    with pytest.raises(IntegrityError):
        make_user("orphan", Role.PROMOTER, None)


def test_branch_admin_creates_users_of_their_own_branch_only(client, people, tokyo, osaka):
    login(client, people["tokyo_admin"])
    # A branch field sent by hand is ignored: the user lands in the administrator's branch.
    response = client.post("/users/new/", new_user_form(role=Role.PROMOTER, branch=osaka.pk))
    assert response.status_code == 302
    assert User.objects.get(username="new_user").branch == tokyo


def test_branch_admin_cannot_give_an_hq_role(client, people):
    login(client, people["tokyo_admin"])
    response = client.post("/users/new/", new_user_form(role=Role.HQ_ADMIN))
    assert response.status_code == 200
    assert "役割：正しく選択してください" in response.content.decode()
    assert not User.objects.filter(username="new_user").exists()


def test_branch_admin_cannot_open_another_branchs_or_hqs_user(client, people):
    login(client, people["tokyo_admin"])
    assert client.get(f"/users/{people['osaka_staff'].pk}/").status_code == 404
    assert client.get(f"/users/{people['hq_staff'].pk}/").status_code == 404
    response = client.post(
        f"/users/{people['osaka_staff'].pk}/", {"full_name": "乗っ取り", "role": Role.PROMOTER}
    )
    assert response.status_code == 404
    assert User.objects.get(pk=people["osaka_staff"].pk).full_name == "osaka_staff_t"


def test_the_user_list_shows_only_the_branchs_users(client, people):
    login(client, people["tokyo_admin"])
    page = client.get("/users/").content.decode()
    assert "tokyo_promoter_t" in page
    assert "osaka_staff_t" not in page
    assert "hq_staff_t" not in page


def test_user_list_filters_by_name_role_and_state(client, people):
    login(client, people["hq_admin"])
    page = client.get("/users/", {"role": Role.PROMOTER}).content.decode()
    assert "tokyo_promoter_t" in page and "tokyo_staff_t" not in page
    page = client.get("/users/", {"q": "osaka"}).content.decode()
    assert "osaka_staff_t" in page and "tokyo_staff_t" not in page


def test_a_short_password_is_refused_with_the_rule_named(client, people):
    login(client, people["hq_admin"])
    response = client.post("/users/new/", new_user_form(password="short-pw", role=Role.HQ_STAFF, branch=""))
    assert "このパスワードは短すぎます。最低 12 文字以上必要です。" in response.content.decode()
    assert not User.objects.filter(username="new_user").exists()


def test_a_duplicate_username_is_refused(client, people):
    login(client, people["hq_admin"])
    response = client.post("/users/new/", new_user_form(username="TOKYO_STAFF_T"))
    assert "このユーザーIDは既に使われています。" in response.content.decode()


def test_disabling_a_user_ends_their_session_at_the_next_request(client, people):
    promoter_client = client.__class__()
    login(promoter_client, people["tokyo_promoter"])
    assert promoter_client.get("/").status_code == 200

    login(client, people["tokyo_admin"])
    response = client.post(f"/users/{people['tokyo_promoter'].pk}/active/", {"active": "0"})
    assert response.status_code == 302
    assert not User.objects.get(pk=people["tokyo_promoter"].pk).is_active

    response = promoter_client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    response = promoter_client.post("/login/", {"username": "tokyo_promoter_t", "password": PASSWORD})
    assert response.status_code == 200  # the login form again: a disabled user cannot log in


def test_users_are_disabled_never_deleted(client, people):
    login(client, people["hq_admin"])
    client.post(f"/users/{people['tokyo_staff'].pk}/active/", {"active": "0"})
    assert User.objects.filter(pk=people["tokyo_staff"].pk).exists()
    response = client.post(f"/admin/org/user/{people['tokyo_staff'].pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=people["tokyo_staff"].pk).exists()


def test_an_administrator_cannot_disable_themselves(client, people):
    login(client, people["tokyo_admin"])
    client.post(f"/users/{people['tokyo_admin'].pk}/active/", {"active": "0"})
    assert User.objects.get(pk=people["tokyo_admin"].pk).is_active


def test_resetting_otp_makes_the_administrator_enrol_again(client, people):
    admin_client = client.__class__()
    login(admin_client, people["tokyo_admin"])
    login(client, people["hq_admin"])
    client.post(f"/users/{people['tokyo_admin'].pk}/otp-reset/")
    fresh = client.__class__()
    fresh.post("/login/", {"username": "tokyo_admin_t", "password": PASSWORD})
    response = fresh.get("/otp/")
    assert response.status_code == 302 and response["Location"] == "/otp/setup/"


def test_a_user_changes_their_own_password(client, people):
    login(client, people["tokyo_staff"])
    response = client.post("/password/", {"current": PASSWORD, "password": "a-much-longer-password-2024"})
    assert response.status_code == 302
    assert User.objects.get(pk=people["tokyo_staff"].pk).check_password("a-much-longer-password-2024")
    assert client.get("/").status_code == 200  # still logged in after the change


def test_hq_admin_grants_the_payment_permission_to_hq_users_only(client, people, tokyo):
    login(client, people["hq_admin"])
    user = people["hq_staff"]
    post_edit(
        client,
        f"/users/{user.pk}/",
        {"full_name": "本部 職員", "role": Role.HQ_STAFF, "branch": "", "can_pay": "on"},
    )
    assert User.objects.get(pk=user.pk).has_payment_permission
    staff = people["tokyo_staff"]
    post_edit(
        client,
        f"/users/{staff.pk}/",
        {"full_name": "支部 職員", "role": Role.BRANCH_STAFF, "branch": tokyo.pk, "can_pay": "on"},
    )
    assert not User.objects.get(pk=staff.pk).can_pay


def test_a_branch_admin_cannot_grant_the_payment_permission(client, people):
    login(client, people["tokyo_admin"])
    response = client.get(f"/users/{people['tokyo_staff'].pk}/")
    assert "支払権限" not in response.content.decode()


def test_changing_a_password_needs_the_current_one(client, people):
    # Someone at an unattended desk where the user is logged in cannot take the account over.
    login(client, people["tokyo_staff"])
    response = client.post(
        "/password/", {"current": "not-the-password", "password": "a-much-longer-password-2024"}
    )
    assert "現在のパスワード：現在のパスワードが正しくありません。" in response.content.decode()
    response = client.post("/password/", {"password": "a-much-longer-password-2024"})
    assert "現在のパスワード：" in response.content.decode()
    assert User.objects.get(pk=people["tokyo_staff"].pk).check_password(PASSWORD)


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "abababababababab", "１１１１１１１１１１１１"])
def test_a_password_of_one_repeated_character_is_refused(client, people, password):
    login(client, people["tokyo_staff"])
    response = client.post("/password/", {"current": PASSWORD, "password": password})
    assert "同じ文字の繰り返しは使えません。" in response.content.decode()
    assert User.objects.get(pk=people["tokyo_staff"].pk).check_password(PASSWORD)
