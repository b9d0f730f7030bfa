"""Exchange rates to and from the base currency (EUR): read by the crawler and the web app.

Reference rates kept by hand here; a rates feed would replace this table without
touching either user. Money stays Decimal all the way.
"""

from decimal import ROUND_HALF_UP, Decimal

BASE_CURRENCY = "EUR"
# Units of the base currency per unit of each currency.
RATES_TO_BASE: dict[str, Decimal] = {
    "EUR": Decimal("1"),
    "USD": Decimal("0.92"),
    "GBP": Decimal("1.17"),
    "RUB": Decimal("0.0102"),
    "TRY": Decimal("0.028"),
    "AED": Decimal("0.25"),
}
CENT = Decimal("0.01")


def convert(amount: Decimal, currency: str, to: str = BASE_CURRENCY) -> Decimal | None:
    """`amount` in `currency` converted to `to`, to the cent; None when a rate is missing."""
    if currency not in RATES_TO_BASE or to not in RATES_TO_BASE:
        return None
    return (amount * RATES_TO_BASE[currency] / RATES_TO_BASE[to]).quantize(CENT, ROUND_HALF_UP)
