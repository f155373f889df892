"""Fee arithmetic in whole yen (R-FEE-1 … R-FEE-3): the tax part of a tax-inclusive amount."""


def tax_part(amount_incl_tax: int, rate_percent: int) -> int:
    """The consumption tax inside a tax-inclusive amount, rounded down to the yen.

    1,260 yen at 5% holds 60 yen of tax (1,200 + 60); rounding down keeps the tax part from ever
    exceeding what the rate allows, as Japanese invoices do.
    """
    if amount_incl_tax < 0:
        return -tax_part(-amount_incl_tax, rate_percent)
    return amount_incl_tax * rate_percent // (100 + rate_percent)
