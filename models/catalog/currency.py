"""Money between currencies: a day's exchange rates and the conversion with them.

The rates come from the rates the agency fetched (the Central Bank of Russia's daily
rates, models/catalog/exchange_rates.py, `tourscope rates refresh`), each set with the day it is
for. Only while no rates were ever fetched does a conversion fall back to the reference
table written here by hand, and the `Rates` it uses says so (`built_in`), so that a page
never shows a converted price without saying which rates made it. Money stays Decimal
all the way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from tourscope.foundation.settings import get_settings

# The currencies a visitor may see prices in (the Bank of Russia publishes every one).
DISPLAY_CURRENCIES: tuple[str, ...] = ("EUR", "USD", "GBP", "RUB", "TRY", "AED")
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Rates:
    """One set of exchange rates: what one unit of each currency is worth in a common
    unit (roubles for the Bank of Russia's), for one day, from one source."""

    unit_values: Mapping[str, Decimal]
    rate_date: date | None  # the day the rates are for; None for the built-in table
    source: str  # "cbr", an operator's code, or "built-in"

    @property
    def built_in(self) -> bool:
        """Whether these are the hand-written reference rates (none were ever fetched)."""
        return self.rate_date is None

    def knows(self, currency: str) -> bool:
        return currency in self.unit_values

    def rate(self, currency: str, to: str) -> Decimal:
        """Units of `to` one unit of `currency` is worth (KeyError for an unknown one)."""
        return self.unit_values[currency] / self.unit_values[to]

    def convert(self, amount: Decimal, currency: str, to: str) -> Decimal | None:
        """`amount` in `currency` converted to `to`, to the cent; None when a rate is missing."""
        if currency not in self.unit_values or to not in self.unit_values:
            return None
        value = amount * self.unit_values[currency] / self.unit_values[to]
        return value.quantize(CENT, ROUND_HALF_UP)


# Reference rates written by hand, in euros per unit: only used while the agency never
# fetched rates (a new installation, a test that seeds none).
BUILT_IN_RATES = Rates(
    unit_values={
        "EUR": Decimal("1"),
        "USD": Decimal("0.92"),
        "GBP": Decimal("1.17"),
        "RUB": Decimal("0.0102"),
        "TRY": Decimal("0.028"),
        "AED": Decimal("0.25"),
    },
    rate_date=None,
    source="built-in",
)


def base_currency() -> str:
    """The currency every offer's `price_base` is in (`TOURSCOPE_BASE_CURRENCY`)."""
    return get_settings().base_currency.upper()


def convert(amount: Decimal, currency: str, to: str, rates: Rates) -> Decimal | None:
    """`amount` in `currency` converted to `to` with `rates`, to the cent; None when a
    rate is missing."""
    return rates.convert(amount, currency, to)
