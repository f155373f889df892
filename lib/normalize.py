"""Normalised business names and addresses for matching lists against each other.

The rules are Polars expressions, so a national file is normalised in bulk in Rust; a single
value goes through the same rules (``normalize_name`` / ``normalize_address``), so the web
imports and the national batch can never disagree. The original text is always kept beside.
"""

import re
import unicodedata
from typing import TypeVar

import kanjize
import polars as pl

# NFKC already turns ㈱ and （株） into (株), half-width kana into full width and full-width
# letters into ASCII; these variants it leaves alone.
VARIANTS = {
    "ヶ": "ケ",
    "ヵ": "カ",
    "髙": "高",
    "﨑": "崎",
    "濵": "浜",
    "邊": "辺",
    "邉": "辺",
    "齋": "斎",
    "德": "徳",
    "濱": "浜",
    "澤": "沢",
    "嶋": "島",
    "嶌": "島",
    "栁": "柳",
    "𠮷": "吉",
    "槗": "橋",
    "邨": "村",
}
NAME_DASHES = ["‐", "‑", "‒", "–", "—", "―", "−", "－", "ｰ", "-"]
# Hiragana as katakana (ぁ…ゖ → ァ…ヶ): 「みらい」 and 「ミライ」 are one name.
HIRAGANA = [chr(code) for code in range(0x3041, 0x3097)]
KATAKANA = [chr(code + 0x60) for code in range(0x3041, 0x3097)]

ABBREVIATIONS = {
    "(株)": "株式会社",
    "(有)": "有限会社",
    "(同)": "合同会社",
    "(名)": "合名会社",
    "(資)": "合資会社",
    "(医)": "医療法人",
    "(医療)": "医療法人",
    "(福)": "社会福祉法人",
    "(社福)": "社会福祉法人",
    "(一社)": "一般社団法人",
    "(一財)": "一般財団法人",
    "(公社)": "公益社団法人",
    "(公財)": "公益財団法人",
    "(特非)": "特定非営利活動法人",
    "(NPO)": "特定非営利活動法人",
    "(学)": "学校法人",
    "(宗)": "宗教法人",
    "(協)": "協同組合",
    "(企)": "企業組合",
}
# The bank's abbreviations (Zengin payee names, and lists typed from them): カ)ミライ, ミライ(カ.
KANA_FORMS = {
    "カ": "株式会社",
    "ユ": "有限会社",
    "ド": "合同会社",
    "メ": "合名会社",
    "シ": "合資会社",
    "イ": "医療法人",
    "フク": "社会福祉法人",
    "トクヒ": "特定非営利活動法人",
}
LEGAL_FORMS = sorted(
    set(ABBREVIATIONS.values()) | {"社団法人", "財団法人", "相互会社"}, key=len, reverse=True
)
_FORMS = "|".join(LEGAL_FORMS)
# A branch office is written after a space: 「株式会社山田商事 大阪支店」.
BRANCH_SUFFIX = r"[\s]+\S*(支店|営業所|工場|事業所|出張所|支社|事務所|店舗)$"
PUNCTUATION = r"[\s・･.,、。'\"「」『』()（）\[\]]"

ADDRESS_DASHES = r"[‐‑‒–—―−－ｰー-]"
PREFECTURE = r"^(東京都|北海道|京都府|大阪府|.{2,3}県)"
# Kanji numerals 一〜九百九十九 before 丁目・番地・番・号・条 become digits. Only there: 三鷹市 and
# 四日市市 keep their names. Matched leftmost-longest, so 二十三丁目 is read whole.
_NUMBER_UNITS = ["丁目", "番地", "番", "号", "条"]
_KANJI_NUMBERS = [
    (kanjize.number2kanji(n) + unit, f"{n}{unit}") for n in range(1, 1000) for unit in _NUMBER_UNITS
]


_KANA = "|".join(sorted(KANA_FORMS, key=len, reverse=True))
# The kana form is marked (〓カ〓) in one pass at each end, then all are written out in one.
_KANA_MARKS = [f"〓{kana}〓" for kana in KANA_FORMS]


def _spelled_out(text: pl.Expr) -> pl.Expr:
    """Abbreviated legal forms written out: (株) → 株式会社; カ)… and …(カ at either end likewise."""
    text = text.str.replace_many(list(ABBREVIATIONS), list(ABBREVIATIONS.values()))
    text = text.str.replace(rf"^\(?({_KANA})\)", "〓${1}〓").str.replace(rf"\(({_KANA})\)?$", "〓${1}〓")
    return text.str.replace_many(_KANA_MARKS, list(KANA_FORMS.values()))


Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)
# Each rule runs once per value: a column is computed, then read by the next step. (Written as one
# nested expression, the shared text would be computed again for each output: three times slower.)
_TEXT = "_normalize_text"


def with_names(
    frame: Frame, column: str, *, core: str = "core", form: str = "form", branch: str = "branch"
) -> Frame:
    """``frame`` with the core name, the legal form and whether it is a branch office, of the
    business names in ``column``."""
    text = pl.col(_TEXT)
    cleaned = text.str.replace(BRANCH_SUFFIX, "")
    cleaned = cleaned.str.replace_many(list(VARIANTS), list(VARIANTS.values()))
    cleaned = cleaned.str.replace_many(HIRAGANA, KATAKANA)
    cleaned = cleaned.str.replace_many(NAME_DASHES, ["ー"] * len(NAME_DASHES))
    cleaned = _spelled_out(cleaned.str.replace_all(r"\s+", ""))
    return (
        frame.with_columns(pl.col(column).fill_null("").str.normalize("NFKC").str.strip_chars().alias(_TEXT))
        .with_columns(text.str.contains(BRANCH_SUFFIX).alias(branch), cleaned.alias(_TEXT))
        .with_columns(
            text.str.extract(rf"^({_FORMS})", 1)
            .fill_null(text.str.extract(rf"({_FORMS})$", 1))
            .fill_null("")
            .alias(form),
            text.str.replace(rf"^({_FORMS})", "")
            .str.replace(rf"({_FORMS})$", "")
            .str.replace_all(PUNCTUATION, "")
            .str.to_uppercase()
            .alias(core),
        )
        .drop(_TEXT)
    )


def with_address_key(frame: Frame, column: str, *, key: str = "address_key") -> Frame:
    """``frame`` with the address key of the addresses in ``column``, without the prefecture.

    丁目・番地・番・号 and every dash become one hyphen form, kanji numerals become digits, and
    what follows the house number (building, floor) is dropped: 「霞が関三丁目1番1号 合同庁舎」
    and 「霞が関3-1-1」 give the same key.
    """
    text = pl.col(column).fill_null("").str.normalize("NFKC").str.replace_all(r"\s+", "")
    text = text.str.replace(PREFECTURE, "")
    # 大字・字 mark a rural district; lists write them or leave them out (大字上野字東 = 上野東).
    text = text.str.replace_all("大字", "").str.replace_all(r"([^\d])字", "${1}")
    text = text.str.replace_many(list(VARIANTS), list(VARIANTS.values()))
    text = text.str.replace_many(
        [k for k, _ in _KANJI_NUMBERS], [v for _, v in _KANJI_NUMBERS], leftmost=True
    )
    text = text.str.replace_all(r"(\d)(丁目|番地の|番地|番の|番|の)", "${1}-").str.replace_all(
        r"(\d)号", "${1}"
    )
    text = text.str.replace_all(rf"(\d){ADDRESS_DASHES}", "${1}-").str.replace_all(r"-+", "-")
    done = pl.col(_TEXT)
    # Up to the first house number of hyphenated parts, else up to the last digit.
    return (
        frame.with_columns(text.alias(_TEXT))
        .with_columns(
            done.str.extract(r"^(.*?\d+(?:-\d+)+)", 1)
            .fill_null(done.str.extract(r"^(.*\d)", 1))
            .fill_null(done)
            .alias(key)
        )
        .drop(_TEXT)
    )


def folded(column: pl.Expr) -> pl.Expr:
    """Text as people search it: width (ﾐﾗｲ, ＡＢＣ), hiragana and katakana, 異体字 (髙橋), legal forms
    (株式会社, ㈱, (株)), spaces and punctuation make no difference. The same rules as ``with_names``."""
    text = column.fill_null("").str.normalize("NFKC")
    text = text.str.replace_many(list(VARIANTS), list(VARIANTS.values()))
    text = text.str.replace_many(HIRAGANA, KATAKANA)
    text = text.str.replace_many(NAME_DASHES, ["ー"] * len(NAME_DASHES))
    text = _spelled_out(text.str.replace_all(r"\s+", ""))
    text = text.str.replace_all(_FORMS, "")
    return text.str.replace_all(PUNCTUATION, "").str.to_uppercase()


def search_texts(*columns: pl.Expr) -> pl.Expr:
    """What a record is found by (a business: name, reading, address; a person: name, reading), each
    folded, one a line, so a query never matches across two of them."""
    return pl.concat_str([folded(column) for column in columns], separator="\n")


def fold(value: str) -> str:
    """One value folded as ``folded`` does (a search query)."""
    frame = pl.DataFrame({"value": [value]}, schema={"value": pl.String})
    return str(frame.select(folded(pl.col("value"))).item())


def search_text(*values: str) -> str:
    """One record's ``search_texts``."""
    names_ = [f"v{i}" for i in range(len(values))]
    frame = pl.DataFrame(
        {name: [value] for name, value in zip(names_, values, strict=True)},
        schema=dict.fromkeys(names_, pl.String),
    )
    return str(frame.select(search_texts(*(pl.col(name) for name in names_))).item())


def normalize_name(name: str) -> tuple[str, str, bool]:
    frame = with_names(pl.DataFrame({"name": [name]}, schema={"name": pl.String}), "name")
    row = frame.select("core", "form", "branch").row(0)
    return row[0], row[1], row[2]


def normalize_address(address: str) -> str:
    frame = with_address_key(pl.DataFrame({"address": [address]}, schema={"address": pl.String}), "address")
    return str(frame["address_key"].item())


_DIGITS = re.compile(r"\d+")


def natural_key(text: str) -> str:
    """A key that sorts names as people read them: 第2 before 第10 (each run of digits zero-padded,
    full-width digits read as ASCII by NFKC), in the database as well as in Python."""
    return _DIGITS.sub(lambda digits: digits.group().zfill(12), unicodedata.normalize("NFKC", text))
