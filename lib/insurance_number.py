"""The 14-digit labour insurance number (労働保険番号, R-ENR-5): prefecture 2, 所掌 1, 管轄 2, 基幹番号 6, 枝番号 3."""

import re
from dataclasses import dataclass

import jaconv

# 所掌: 1 for numbers given by a labour standards inspection office (一元適用・労災),
# 3 for those given by a public employment security office (雇用保険の二元適用).
JURISDICTIONS = {"1", "3"}


@dataclass(frozen=True)
class InsuranceNumber:
    prefecture: str
    jurisdiction: str
    office: str
    base: str
    branch: str

    def __str__(self) -> str:
        return f"{self.prefecture}{self.jurisdiction}{self.office}{self.base}{self.branch}"

    @property
    def display(self) -> str:
        return f"{self.prefecture}-{self.jurisdiction}-{self.office}-{self.base}-{self.branch}"


def parse(text: str, prefecture_code: str | None = None) -> InsuranceNumber:
    """Read a number typed with or without hyphens and full-width digits; ValueError says what is wrong."""
    digits = re.sub(r"[\s\-－ー‐]", "", jaconv.z2h(text or "", digit=True, ascii=True))
    if not re.fullmatch(r"\d{14}", digits):
        raise ValueError("労働保険番号は14桁の数字で入力してください（例：13-1-01-123456-000）。")
    number = InsuranceNumber(digits[:2], digits[2], digits[3:5], digits[5:11], digits[11:])
    if not 1 <= int(number.prefecture) <= 47:
        raise ValueError("労働保険番号の先頭2桁（都道府県）が正しくありません。")
    if prefecture_code and number.prefecture != prefecture_code:
        raise ValueError(
            f"労働保険番号の都道府県（{number.prefecture}）が事業所の都道府県（{prefecture_code}）と異なります。"
        )
    if number.jurisdiction not in JURISDICTIONS:
        raise ValueError("労働保険番号の3桁目（所掌）は1または3です。")
    return number
