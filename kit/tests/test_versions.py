"""Two staff editing one record at once (kit.versions): the later save of a stale page is
refused, names who changed what, keeps the user's input and, saved again, loses nothing.

The mechanism is tested here through the person page; every other edit page has its own
two-session story in tests/test_two_staff_at_once.py."""

import pytest
from django.test import Client

from conftest import form_data, login, make_person, make_user
from kit import versions
from org.roles import Role
from people.models import Person


@pytest.fixture
def person(tokyo):
    return make_person(tokyo, "山田 花子", phone="03-1111-1111", address_line="旧住所1-1", city="千代田区")


@pytest.fixture
def alice(people, tokyo):
    client = Client()
    login(client, make_user("alice_t", Role.BRANCH_STAFF, tokyo, full_name="有田 アリス"))
    return client


@pytest.fixture
def bob(people, tokyo):
    client = Client()
    login(client, make_user("bob_t", Role.BRANCH_STAFF, tokyo, full_name="母部 ボブ"))
    return client


def _open(client, person):
    response = client.get(f"/people/{person.pk}/edit/")
    assert response.status_code == 200
    return form_data(response)


def _save(client, person, data, **changes):
    return client.post(f"/people/{person.pk}/edit/", {**data, **{k: [v] for k, v in changes.items()}})


@pytest.mark.parametrize("first", ["alice", "bob"])
def test_two_staff_edit_different_fields_of_one_person_nothing_lost(person, alice, bob, first):
    """Alice changes the phone, Bob the address, both from the page as they opened it; whoever saves
    second is refused, told who changed what, and saving the page they are shown again keeps both."""
    clients = {"alice": alice, "bob": bob}
    changes = {"alice": {"phone": "03-2222-2222"}, "bob": {"address_line": "新住所2-2"}}
    names = {"alice": "有田 アリス", "bob": "母部 ボブ"}
    second = "bob" if first == "alice" else "alice"
    pages = {who: _open(client, person) for who, client in clients.items()}

    assert _save(clients[first], person, pages[first], **changes[first]).status_code == 302
    refused = _save(clients[second], person, pages[second], **changes[second])

    assert refused.status_code == 200
    text = refused.content.decode()
    assert f"この記録は保存の間に{names[first]}さんが変更しました" in text
    [(field, value)] = changes[first].items()
    label = Person._meta.get_field(field).verbose_name
    assert f"{label}「{value}」" in text
    assert "あなたの入力は下に残っています" in text
    person.refresh_from_db()
    assert (person.phone, person.address_line) == (
        "03-2222-2222" if first == "alice" else "03-1111-1111",
        "新住所2-2" if first == "bob" else "旧住所1-1",
    )

    # The page shown holds this user's input and the other person's change: saved as it is, both stay.
    shown = form_data(refused)
    assert shown[field] == [value]
    [(mine, typed)] = changes[second].items()
    assert shown[mine] == [typed]
    assert _save(clients[second], person, shown).status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.address_line) == ("03-2222-2222", "新住所2-2")
    assert person.version == 3


def test_a_page_opened_again_after_the_refusal_saves_keeping_the_other_change(person, alice, bob):
    alice_page, bob_page = _open(alice, person), _open(bob, person)
    assert _save(alice, person, alice_page, phone="03-2222-2222").status_code == 302
    assert _save(bob, person, bob_page, address_line="新住所2-2").status_code == 200

    assert _save(bob, person, _open(bob, person), address_line="新住所2-2").status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.address_line) == ("03-2222-2222", "新住所2-2")


def test_a_field_both_changed_keeps_my_input_and_says_what_the_other_wrote(person, alice, bob):
    alice_page, bob_page = _open(alice, person), _open(bob, person)
    assert _save(alice, person, alice_page, phone="03-2222-2222").status_code == 302

    refused = _save(bob, person, bob_page, phone="03-3333-3333")

    assert "電話番号「03-2222-2222」（あなたの入力を残しています）" in refused.content.decode()
    assert form_data(refused)["phone"] == ["03-3333-3333"]
    person.refresh_from_db()
    assert person.phone == "03-2222-2222"
    # Bob decided: his number stands, now knowingly.
    assert _save(bob, person, form_data(refused)).status_code == 302
    person.refresh_from_db()
    assert person.phone == "03-3333-3333"


def test_a_save_without_the_version_read_is_refused_with_the_input_kept(person, alice):
    page = _open(alice, person)
    del page["version"], page["version_read"]

    refused = _save(alice, person, page, phone="03-2222-2222")

    assert refused.status_code == 200
    assert "もう一度保存してください" in refused.content.decode()
    assert form_data(refused)["phone"] == ["03-2222-2222"]
    person.refresh_from_db()
    assert person.phone == "03-1111-1111"
    assert _save(alice, person, form_data(refused)).status_code == 302
    person.refresh_from_db()
    assert person.phone == "03-2222-2222"


def test_a_forged_read_snapshot_does_not_let_the_stale_save_through(person, alice, bob):
    alice_page, bob_page = _open(alice, person), _open(bob, person)
    assert _save(alice, person, alice_page, phone="03-2222-2222").status_code == 302
    bob_page["version_read"] = ["forged"]

    refused = _save(bob, person, bob_page, address_line="新住所2-2")

    assert refused.status_code == 200
    person.refresh_from_db()
    assert (person.phone, person.address_line) == ("03-2222-2222", "旧住所1-1")


def test_the_version_is_claimed_by_one_conditional_update_only_once(person):
    """The database decides: of two saves of version 1, the second matches no row."""
    first, second = Person.objects.get(pk=person.pk), Person.objects.get(pk=person.pk)
    versions.claim(first, 1)
    with pytest.raises(versions.Stale):
        versions.claim(second, 1)
    assert Person.objects.get(pk=person.pk).version == 2
