"""Linking a person to their login account, so a promoter sees their own businesses and visits."""

from conftest import form_data, login, make_person, make_user
from org.roles import Role


def _edit(client, person, **fields):
    # What the page shows, with the version it read, and the fields changed.
    data = form_data(client.get(f"/people/{person.pk}/edit/"))
    data.update({name: [value] for name, value in fields.items()})
    return client.post(f"/people/{person.pk}/edit/", data)


def test_staff_link_a_person_to_a_promoter_account_of_their_branch(client, people, tokyo):
    person = make_person(tokyo)
    login(client, people["tokyo_staff"])
    choices = client.get(f"/people/{person.pk}/edit/").context["form"].fields["user"].queryset
    assert people["tokyo_promoter"] in choices
    assert people["osaka_promoter"] not in choices  # another branch's accounts are not offered
    assert people["tokyo_admin"] not in choices  # administrators are not people of the registry
    assert _edit(client, person, user=people["tokyo_promoter"].pk).status_code == 302
    person.refresh_from_db()
    assert person.user == people["tokyo_promoter"]
    # An account already linked is not offered for someone else.
    other = make_person(tokyo, "別人 次郎")
    assert (
        people["tokyo_promoter"]
        not in client.get(f"/people/{other.pk}/edit/").context["form"].fields["user"].queryset
    )


def test_another_branchs_account_posted_anyway_is_refused(client, people, tokyo):
    person = make_person(tokyo)
    login(client, people["tokyo_staff"])
    response = _edit(client, person, user=people["osaka_promoter"].pk)
    assert "正しく選択してください" in response.content.decode()
    person.refresh_from_db()
    assert person.user is None


def test_hq_cannot_link_an_account_of_another_branch(client, people, tokyo):
    person = make_person(tokyo)
    login(client, people["hq_staff"])
    response = _edit(
        client, person, user=make_user("osaka_p2", Role.PROMOTER, people["osaka_staff"].branch).pk
    )
    assert "同じ支部のユーザーを選んでください" in response.content.decode()
