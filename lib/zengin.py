"""Zengin (全銀協) transfers: the half-width katakana names they carry, and the 総合振込 file itself."""

import datetime
import re
import unicodedata
from dataclasses import dataclass

import jaconv
import jpholiday
from zengin_code import Bank

PAYEE_NAME_LENGTH = 30  # data record field 9, C30

# Characters every bank accepts in a name field (JIS X 0201): digits, capitals, half-width
# katakana with the voicing marks, space and a few symbols. Small kana are not among them.
ALLOWED = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ ()-./,\\｢｣ﾞﾟ") | {
    chr(code) for code in range(ord("ｦ"), ord("ﾝ") + 1) if chr(code) not in "ｧｨｩｪｫｬｭｮｯ"
}
SMALL_TO_LARGE = str.maketrans("ァィゥェォャュョッヮヵヶ", "アイウエオヤユヨツワカケ")
# Long-vowel marks and dashes of every width become the hyphen that transfers use.
DASHES = re.compile("[ー－―‐−–—ｰ]")
# The middle dot of foreign names is written as a full stop.
DOTS = re.compile("[・･]")


class TransferNameError(ValueError):
    """A name holds characters a bank transfer cannot carry; ``characters`` lists them."""

    def __init__(self, message: str, characters: str = ""):
        super().__init__(message)
        self.characters = characters


def to_transfer_kana(name: str) -> str:
    """Convert an account holder's name to the half-width katakana of a transfer file.

    Hiragana become katakana, small kana become large (キャノン → ｷﾔﾉﾝ, as banks register
    them), letters become capitals. Kanji and other characters cannot be carried: the error
    names them, so the person can type the name in kana.
    """
    text = unicodedata.normalize("NFKC", name).strip()
    text = jaconv.hira2kata(text).translate(SMALL_TO_LARGE)
    text = DOTS.sub(".", DASHES.sub("-", text))
    text = re.sub(r"\s+", " ", text).upper()
    converted = jaconv.z2h(text, kana=True, ascii=True, digit=True)
    bad = "".join(dict.fromkeys(ch for ch in converted if ch not in ALLOWED))
    if bad:
        raise TransferNameError(f"振込に使えない文字が含まれています：{bad}（カナで入力してください）", bad)
    if not converted:
        raise TransferNameError("口座名義（カナ）を入力してください。")
    if len(converted) > PAYEE_NAME_LENGTH:
        raise TransferNameError(
            f"口座名義は半角{PAYEE_NAME_LENGTH}文字以内にしてください（現在{len(converted)}文字）。"
        )
    return converted


RECORD_LENGTH = 120
TRANSFER_KIND = "7"  # data field 13: telegraphic transfer (電信)


@dataclass(frozen=True)
class Requester:
    """The federation's own account and its requester code (依頼人), from the header record."""

    code: str
    name: str
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str
    account_number: str


@dataclass(frozen=True)
class Payment:
    """One payee and the amount transferred to them (one data record)."""

    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str
    account_number: str
    payee: str
    amount: int
    customer_code: str = ""


class TransferFileError(ValueError):
    pass


def transfer_names(bank_code: str, branch_code: str) -> tuple[str, str]:
    """The bank's and branch's names as a transfer file carries them: the kana of the Zengin code
    data, not the kanji shown on screens. A code the data no longer lists (a merged bank) leaves
    the names blank; the codes alone route the transfer."""
    bank = Bank.all.get(bank_code)
    branch = bank.branches.get(branch_code) if bank else None
    return (bank.kana if bank else "", branch.kana if branch else "")


def not_a_bank_day(day: datetime.date) -> str:
    """Why banks make no transfer on ``day`` (土曜・日曜・祝日・年末年始 31 Dec–3 Jan), or "" on a business day."""
    if day.weekday() >= 5:
        return "土曜日" if day.weekday() == 5 else "日曜日"
    if name := jpholiday.is_holiday_name(day):
        return name
    if (day.month, day.day) in {(12, 31), (1, 1), (1, 2), (1, 3)}:
        return "年末年始の休業日"
    return ""


def _n(value: int | str, width: int, field: str) -> str:
    """A numeric field: digits, right-aligned and zero-padded."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > width:
        raise TransferFileError(f"{field}は{width}桁以内の数字です（{value}）。")
    return text.zfill(width)


def _c(text: str, width: int, field: str, *, cut: bool = False) -> str:
    """A character field: half-width transfer characters, left-aligned and space-padded.

    Bank and branch names are only for reading and may be cut to fit; other names may not.
    """
    kana = jaconv.z2h(unicodedata.normalize("NFKC", text or ""), kana=True, ascii=True, digit=True).upper()
    kana = DASHES.sub("-", kana.translate(str.maketrans("ｧｨｩｪｫｬｭｮｯ", "ｱｲｳｴｵﾔﾕﾖﾂ")))
    bad = "".join(dict.fromkeys(ch for ch in kana if ch not in ALLOWED))
    if bad:
        raise TransferFileError(f"{field}に振込に使えない文字があります：{bad}")
    if len(kana) > width:
        if not cut:
            raise TransferFileError(f"{field}は半角{width}文字以内です（{len(kana)}文字）。")
        kana = kana[:width]
    return kana.ljust(width)


def _record(*fields: str) -> bytes:
    text = "".join(fields)
    data = text.encode("cp932")
    if len(data) != RECORD_LENGTH:  # a guard on the layout itself, never on user data
        raise TransferFileError(f"レコード長が{len(data)}バイトです（{RECORD_LENGTH}バイトであること）。")
    return data + b"\r\n"


def transfer_file(requester: Requester, transfer_date: datetime.date, payments: list[Payment]) -> bytes:
    """A 総合振込 file: header, one data record per payment, trailer and end; cp932 bytes, CRLF."""
    header = _record(
        "1",
        "21",
        "0",
        _n(requester.code, 10, "依頼人コード"),
        _c(requester.name, 40, "依頼人名"),
        transfer_date.strftime("%m%d"),
        _n(requester.bank_code, 4, "仕向金融機関コード"),
        _c(requester.bank_name, 15, "仕向金融機関名", cut=True),
        _n(requester.branch_code, 3, "仕向支店コード"),
        _c(requester.branch_name, 15, "仕向支店名", cut=True),
        _n(requester.account_type, 1, "預金種目（依頼人）"),
        _n(requester.account_number, 7, "口座番号（依頼人）"),
        " " * 17,
    )
    data = []
    for payment in payments:
        if payment.amount <= 0:
            raise TransferFileError(f"{payment.payee}：振込金額は1円以上です（{payment.amount}円）。")
        data.append(
            _record(
                "2",
                _n(payment.bank_code, 4, "被仕向金融機関コード"),
                _c(payment.bank_name, 15, "被仕向金融機関名", cut=True),
                _n(payment.branch_code, 3, "被仕向支店コード"),
                _c(payment.branch_name, 15, "被仕向支店名", cut=True),
                "0000",
                _n(payment.account_type, 1, "預金種目"),
                _n(payment.account_number, 7, "口座番号"),
                _c(payment.payee, 30, "受取人名"),
                _n(payment.amount, 10, "振込金額"),
                "0",
                _c(payment.customer_code, 20, "顧客コード"),
                TRANSFER_KIND,
                " ",
                " " * 7,
            )
        )
    total = sum(p.amount for p in payments)
    trailer = _record("8", _n(len(payments), 6, "合計件数"), _n(total, 12, "合計金額"), " " * 101)
    end = _record("9", " " * 119)
    return header + b"".join(data) + trailer + end
