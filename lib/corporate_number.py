"""The 13-digit corporate number (法人番号) of the National Tax Agency and its check digit."""


def check_digit(base: str) -> int:
    """First digit = 9 − (Σ Pn·Qn mod 9) over the 12-digit base, Pn counted from the right,
    Qn = 1 for odd n and 2 for even n (NTA's published formula)."""
    from_right = base[::-1]
    # Odd n are the even positions from the right. (Summed per parity: an import checks 100,000.)
    total = sum(map(int, from_right[0::2])) + 2 * sum(map(int, from_right[1::2]))
    return 9 - total % 9


def is_valid(number: str) -> bool:
    # isascii: "²".isdigit() is true, and int("²") fails.
    return (
        len(number) == 13
        and number.isascii()
        and number.isdigit()
        and int(number[0]) == check_digit(number[1:])
    )
