"""Bank accounts: Zengin codes, transfer kana, masking and audited reveal."""

import pytest

from audit.models import AuditEntry
from conftest import login, make_person
from people.models import BankAccount

FORM = {
    "bank_code": "0001",
    "branch_code": "001",
    "account_type": "1",
    "account_number": "1234567",
    "holder_name": "キャノン　タロウ",
}


@pytest.fixture
def tokyo_person(people, tokyo):
    return make_person(tokyo, "口座 太郎")


def post(client, person, **overrides):
    return client.post(f"/people/{person.pk}/bank/", {**FORM, **overrides})


def test_an_account_is_saved_with_names_from_the_zengin_data_and_transfer_kana(client, people, tokyo_person):
    login(client, people["tokyo_staff"])
    assert post(client, tokyo_person).status_code == 302
    account = BankAccount.objects.get(person=tokyo_person)
    assert (account.bank_name, account.branch_name) == ("みずほ", "東京営業部")
    assert account.holder_kana == "ｷﾔﾉﾝ ﾀﾛｳ"  # small kana become large, as banks register names


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"bank_code": "0002"}, "金融機関コード 0002 は登録されていません"),
        ({"branch_code": "999"}, "みずほに支店コード 999 はありません"),
        ({"bank_code": "12a"}, "金融機関コードは4桁の数字です"),
        ({"account_number": "12345678"}, "口座番号は7桁以内の数字です"),
        ({"holder_name": "山田 太郎"}, "振込に使えない文字が含まれています：山田太郎"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(client, people, tokyo_person, overrides, message):
    login(client, people["tokyo_staff"])
    response = post(client, tokyo_person, **overrides)
    assert message in response.content.decode()
    assert not BankAccount.objects.exists()


def test_a_short_account_number_is_zero_padded_to_seven_digits(client, people, tokyo_person):
    login(client, people["tokyo_staff"])
    post(client, tokyo_person, account_number="4567")
    assert BankAccount.objects.get().account_number == "0004567"


@pytest.mark.parametrize("who", ["tokyo_staff", "tokyo_admin", "hq_staff", "hq_admin"])
def test_the_number_is_masked_for_everyone_without_the_payment_permission(client, people, tokyo_person, who):
    login(client, people["tokyo_staff"])
    post(client, tokyo_person)
    client.logout()
    login(client, people[who])
    page = client.get(f"/people/{tokyo_person.pk}/").content.decode()
    assert "****567" in page and "1234567" not in page
    account = BankAccount.objects.get()
    assert client.post(f"/bank-accounts/{account.pk}/reveal/").status_code == 403


def test_an_hq_user_with_the_payment_permission_reveals_it_and_is_audited(client, people, tokyo_person):
    login(client, people["tokyo_staff"])
    post(client, tokyo_person)
    client.logout()
    payer = people["hq_staff"]
    payer.can_pay = True
    payer.save()
    login(client, payer)
    account = BankAccount.objects.get()
    response = client.post(f"/bank-accounts/{account.pk}/reveal/", REMOTE_ADDR="192.0.2.44")
    assert "1234567" in response.content.decode()
    entry = AuditEntry.objects.get(event="account_reveal")
    assert (entry.actor, entry.remote_addr, entry.branch) == (payer, "192.0.2.44", tokyo_person.branch)


def test_a_branch_user_with_the_flag_still_cannot_reveal(client, people, tokyo_person):
    admin = people["tokyo_admin"]
    admin.can_pay = True
    admin.save()
    login(client, people["tokyo_staff"])
    post(client, tokyo_person)
    client.logout()
    login(client, admin)
    assert client.post(f"/bank-accounts/{BankAccount.objects.get().pk}/reveal/").status_code == 403


def test_the_audit_trail_keeps_the_number_masked(client, people, tokyo_person):
    login(client, people["tokyo_staff"])
    post(client, tokyo_person)
    entry = AuditEntry.objects.get(content_type__model="bankaccount", action=AuditEntry.Action.CREATE)
    assert entry.changes["account_number"][1] == "****567"


def test_banks_and_branches_can_be_chosen_by_name(client, people, tokyo_person):
    login(client, people["tokyo_staff"])
    form = client.get(f"/people/{tokyo_person.pk}/bank/").content.decode()
    assert '<option value="0001">みずほ</option>' in form
    branches = client.get("/bank-codes/branches/", {"bank_code": "0001"}).content.decode()
    assert '<option value="001">東京営業部</option>' in branches
    assert "<option" not in client.get("/bank-codes/branches/", {"bank_code": "9999"}).content.decode()
