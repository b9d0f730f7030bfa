"""Conversion to the base currency from a rates table (the original price is kept too)."""

from decimal import ROUND_HALF_UP, Decimal

# Units of the base currency (EUR) per unit of each currency. Reference rates, updated by
# hand here; a rates feed would replace this table without touching the pipeline.
RATES_TO_EUR: dict[str, Decimal] = {
    "EUR": Decimal("1"),
    "USD": Decimal("0.92"),
    "GBP": Decimal("1.17"),
    "RUB": Decimal("0.0102"),
    "TRY": Decimal("0.028"),
    "AED": Decimal("0.25"),
}

CENT = Decimal("0.01")


def to_base(amount: Decimal, currency: str, base: str = "EUR") -> Decimal | None:
    """`amount` in `base`, or None when a rate is missing."""
    if currency not in RATES_TO_EUR or base not in RATES_TO_EUR:
        return None
    return (amount * RATES_TO_EUR[currency] / RATES_TO_EUR[base]).quantize(CENT, ROUND_HALF_UP)
