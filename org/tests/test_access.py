"""org.access: which rows each role sees and changes."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from org import access
from org.models import Block, Branch, User


def usernames(queryset):
    return set(queryset.values_list("username", flat=True))


def test_hq_roles_and_the_hq_viewer_see_every_branch(people):
    for who in ["hq_admin", "hq_staff", "hq_viewer"]:
        assert access.visible(people[who], Branch.objects.all()).count() == 47


def test_branch_roles_see_their_own_branch_only(people, tokyo):
    for who in ["tokyo_admin", "tokyo_staff", "tokyo_viewer"]:
        assert list(access.visible(people[who], Branch.objects.all())) == [tokyo]


def test_a_branch_user_sees_colleagues_but_not_another_branch(people):
    seen = usernames(access.visible(people["tokyo_staff"], User.objects.all()))
    assert {"tokyo_admin_t", "tokyo_promoter_t"} <= seen
    assert "osaka_staff_t" not in seen
    assert "hq_admin_t" not in seen


def test_a_promoter_sees_only_what_is_assigned_to_them(people):
    # For users, what is "assigned" to a promoter is their own account.
    assert usernames(access.visible(people["tokyo_promoter"], User.objects.all())) == {"tokyo_promoter_t"}
    assert not access.visible(people["tokyo_promoter"], Branch.objects.all()).exists()


def test_master_data_is_read_by_all_and_changed_by_hq_admin_only(people):
    for who in people:
        assert access.visible(people[who], Block.objects.all()).count() == 6
    assert access.changeable(people["hq_admin"], Block.objects.all()).count() == 6
    for who in ["hq_staff", "tokyo_admin", "tokyo_staff", "hq_viewer"]:
        assert not access.changeable(people[who], Block.objects.all()).exists()


def test_viewers_change_nothing(people):
    for who in ["hq_viewer", "tokyo_viewer"]:
        assert not access.changeable(people[who], User.objects.all()).exists()


def test_another_branchs_id_is_absent_not_forbidden(people, osaka):
    with pytest.raises(Http404):
        access.get_for_user(people["tokyo_staff"], Branch.objects.all(), osaka.pk)
    with pytest.raises(Http404):
        access.get_for_user(people["tokyo_admin"], User.objects.all(), people["osaka_staff"].pk)


def test_a_visible_row_the_user_may_not_change_is_forbidden(people):
    with pytest.raises(PermissionDenied):
        access.get_for_user(
            people["tokyo_staff"], User.objects.all(), people["tokyo_promoter"].pk, write=True
        )


def test_disabled_and_anonymous_users_see_nothing(people):
    assert not access.visible(AnonymousUser(), Branch.objects.all()).exists()
    user = people["hq_admin"]
    user.is_active = False
    assert not access.visible(user, User.objects.all()).exists()


def test_garbage_ids_are_404(people):
    with pytest.raises(Http404):
        access.get_for_user(people["hq_admin"], User.objects.all(), "abc")


def test_write_checks_live_in_access_may_change_require_write_and_the_payment_permission(people, tokyo):
    """The checks each app wrote for itself are access's functions, used by every view."""
    from targets.models import Target

    assert access.may_change(people["tokyo_staff"], Branch, tokyo.pk)
    assert not access.may_change(people["osaka_staff"], Branch, tokyo.pk)
    assert not access.may_change(people["tokyo_viewer"], Branch, tokyo.pk)
    access.require_write(people["hq_staff"], Target)
    with pytest.raises(PermissionDenied, match="目標は本部が設定します"):
        access.require_write(people["tokyo_staff"], Target, "目標は本部が設定します。")
    with pytest.raises(PermissionDenied, match="支払権限"):
        access.require_payment_permission(people["hq_staff"])
    people["hq_staff"].can_pay = True
    access.require_payment_permission(people["hq_staff"])
