"""Conversion to the base currency (the rates live in models.currency, shared with the site)."""

from decimal import Decimal

from models.currency import BASE_CURRENCY, RATES_TO_BASE, convert

__all__ = ["RATES_TO_BASE", "to_base"]


def to_base(amount: Decimal, currency: str, base: str = BASE_CURRENCY) -> Decimal | None:
    """`amount` in `base`, or None when a rate is missing."""
    return convert(amount, currency, base)
