"""Conversion to the base currency, with the rates the crawl read when it began (the
rates and their storage live in models.catalog.currency and .exchange_rates, shared with
the site)."""

from decimal import Decimal

from models.catalog.currency import Rates


def to_base(amount: Decimal, currency: str, base: str, rates: Rates) -> Decimal | None:
    """`amount` in `base`, or None when a rate is missing."""
    return rates.convert(amount, currency, base)
