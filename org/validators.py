"""Password rules beyond Django's own (OWASP ASVS V2.1): a password of one repeated character is refused."""

from django.core.exceptions import ValidationError


class VarietyValidator:
    """Refuse a password made of too few different characters (``aaaaaaaaaaaa``, ``abababababab``):
    long enough for the length rule, yet guessed at once."""

    def __init__(self, min_distinct: int = 4):
        self.min_distinct = min_distinct

    def validate(self, password: str, user=None) -> None:
        if len(set(password)) < self.min_distinct:
            raise ValidationError(
                f"同じ文字の繰り返しは使えません。{self.min_distinct}種類以上の文字を含めてください。",
                code="password_too_uniform",
            )

    def get_help_text(self) -> str:
        return f"{self.min_distinct}種類以上の文字を含めてください。"
