"""Zengin (全銀協) transfer data: the half-width katakana names a bank transfer file can carry."""

import re
import unicodedata

import jaconv

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
