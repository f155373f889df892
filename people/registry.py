"""The person registry as a table: importing rows from Excel or CSV with per-cell errors, and exporting."""

from dataclasses import dataclass, field

import jaconv
from django.core.exceptions import ValidationError
from django.db import transaction

from lib import tables, wareki
from lib.tables import TableError
from org.models import Association, Branch, Prefecture, User
from people.models import AccountType, BankAccount, Person
from people.services import clean_bank_account

COLUMNS = [
    ("支部コード", "branch"),
    ("氏名", "full_name"),
    ("氏名カナ", "full_name_kana"),
    ("生年月日", "birth_date"),
    ("郵便番号", "postal_code"),
    ("都道府県", "prefecture"),
    ("市区町村", "city"),
    ("町域", "town"),
    ("番地・建物", "address_line"),
    ("電話番号", "phone"),
    ("メールアドレス", "email"),
    ("代表事務組合", "association"),
    ("金融機関コード", "bank_code"),
    ("支店コード", "branch_code"),
    ("預金種目", "account_type"),
    ("口座番号", "account_number"),
    ("口座名義カナ", "holder_name"),
]
REQUIRED = ["氏名", "氏名カナ"]
HEADER_OF = {name: header for header, name in COLUMNS}
BANK_FIELDS = ["bank_code", "branch_code", "account_type", "account_number", "holder_name"]
ACCOUNT_TYPES = {label: value for value, label in AccountType.choices} | {
    v: v for v, _ in AccountType.choices
}


@dataclass
class Row:
    line: int  # the row number as Excel shows it (the header is row 1)
    values: dict
    errors: list[tuple[str, str]] = field(default_factory=list)
    person: Person | None = None
    bank: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value or "").strip()


def _add_errors(row: Row, error: ValidationError) -> None:
    for name, messages in error.message_dict.items():
        header = HEADER_OF.get(name, "口座名義カナ" if name == "holder_name" else name)
        row.errors.extend((header, message) for message in messages)


def parse_rows(headers: list[str], rows: list[list], *, user: User) -> list[Row]:
    """Check every row of an uploaded registry; nothing is saved here."""
    missing = [h for h in REQUIRED if h not in headers]
    if missing:
        raise TableError(f"必須の列がありません：{'、'.join(missing)}（1行目に列名が必要です）")
    index = {header: headers.index(header) for header, _ in COLUMNS if header in headers}
    branches = {b.prefecture.code: b for b in Branch.objects.select_related("prefecture")}
    prefectures = {p.name: p for p in Prefecture.objects.all()}
    associations = {(a.branch_id, a.name): a for a in Association.objects.all()}
    # The same person (branch, name, date of birth) must not be registered twice, by the file or again.
    seen = set(Person.objects.values_list("branch_id", "full_name", "birth_date"))
    results = []
    # One search over the whole file: most have no cell to look at again (as the roster import).
    look = tables.suspicious_in(cell for cells in rows for cell in cells)
    for number, cells in enumerate(rows, start=2):
        values = {
            name: (cells[index[h]] if h in index and index[h] < len(cells) else "") for h, name in COLUMNS
        }
        row = Row(line=number, values={k: _text(v) for k, v in values.items()})
        row.errors += [
            (header, f"{reason}。取り除いてから取り込んでください。")
            for header, name in (COLUMNS if look else [])
            if (reason := tables.suspicious(values[name]))
        ]
        if user.is_hq:
            branch = branches.get(row.values["branch"].zfill(2))
            if branch is None:
                row.errors.append(("支部コード", "都道府県コード（01〜47）を入力してください。"))
        else:
            branch = user.branch
        person = Person(
            branch=branch,
            full_name=row.values["full_name"],
            full_name_kana=jaconv.hira2kata(jaconv.h2z(row.values["full_name_kana"], kana=True)),
            postal_code=row.values["postal_code"].replace("-", ""),
            city=row.values["city"],
            town=row.values["town"],
            address_line=row.values["address_line"],
            phone=row.values["phone"],
            email=row.values["email"],
        )
        if row.values["birth_date"]:
            value = values["birth_date"]
            try:
                person.birth_date = value if hasattr(value, "year") else wareki.parse_date(value)
            except ValueError as error:
                row.errors.append(("生年月日", str(error)))
        if row.values["prefecture"]:
            person.prefecture = prefectures.get(row.values["prefecture"])
            if person.prefecture is None:
                row.errors.append(("都道府県", f"都道府県名が正しくありません：{row.values['prefecture']}"))
        if row.values["association"] and branch is not None:
            person.association = associations.get((branch.pk, row.values["association"]))
            if person.association is None:
                row.errors.append(
                    ("代表事務組合", f"{branch}に「{row.values['association']}」は登録されていません。")
                )
        try:
            person.full_clean(exclude=["branch", "user", "association", "prefecture"])
        except ValidationError as error:
            _add_errors(row, error)
        if any(row.values[name] for name in BANK_FIELDS):
            account_type = ACCOUNT_TYPES.get(row.values["account_type"] or "普通")
            if account_type is None:
                row.errors.append(("預金種目", "普通・当座・貯蓄のいずれかを入力してください。"))
            try:
                row.bank = clean_bank_account(
                    bank_code=row.values["bank_code"].zfill(4),
                    branch_code=row.values["branch_code"].zfill(3),
                    account_type=account_type or AccountType.ORDINARY,
                    account_number=row.values["account_number"],
                    holder_name=row.values["holder_name"],
                )
            except ValidationError as error:
                _add_errors(row, error)
        key = (branch.pk if branch else 0, person.full_name, person.birth_date)  # 0: no branch given
        if key in seen:
            row.errors.append(("氏名", "同じ支部・氏名・生年月日の人員が既に登録されています。"))
        seen.add(key)
        row.person = person
        results.append(row)
    return results


@transaction.atomic
def import_rows(rows: list[Row], *, only_valid: bool) -> int:
    """Save the rows: all of them if all are valid, or only the valid ones if the user chose so."""
    if not only_valid and any(not row.ok for row in rows):
        raise ValidationError("エラーのある行があるため、取り込みませんでした。")
    saved = 0
    for row in rows:
        if not row.ok:
            continue
        person = row.person
        if person is None:  # an ok row always has its person
            continue
        person.save()
        if row.bank:
            BankAccount.objects.create(person=person, **row.bank)
        saved += 1
    return saved


EXPORT_HEADERS = [
    "支部",
    "氏名",
    "氏名カナ",
    "生年月日",
    "郵便番号",
    "住所",
    "電話番号",
    "メールアドレス",
    "代表事務組合",
    "金融機関",
    "支店",
    "口座番号",
]


def export_rows(people):
    """Registry rows for export; account numbers masked, as on screen."""
    for person in people.select_related("branch", "prefecture", "association", "bank_account"):
        account = getattr(person, "bank_account", None)
        yield [
            person.branch.name,
            person.full_name,
            person.full_name_kana,
            wareki.format_date(person.birth_date) if person.birth_date else "",
            person.postal_code,
            person.address,
            person.phone,
            person.email,
            person.association.name if person.association else "",
            account.bank_name if account else "",
            account.branch_name if account else "",
            account.masked_number if account else "",
        ]
