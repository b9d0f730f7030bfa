"""Prices as operators write them: "1 234 EUR", "€1,234.50", "1.234,50 €", "USD 990"."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "₽": "RUB", "£": "GBP", "руб": "RUB", "р.": "RUB"}
_CURRENCY_CODE = re.compile(r"\b([A-Z]{3})\b")
_NUMBER = re.compile(r"\d[\d\s.,'\u00a0\u202f\u2009]*")


@dataclass(frozen=True)
class NumberFormat:
    """The separators an operator declares (crawler/operators/*.yaml `formats`)."""

    decimal: str = "."
    thousands: str = ""


def _declared_amount(text: str, separators: NumberFormat) -> Decimal | None:
    marks = re.escape(separators.decimal + separators.thousands)
    match = re.search(rf"\d(?:[\d{marks}]*\d)?", text)
    if match is None:
        return None
    number = match.group()
    if separators.thousands:
        number = number.replace(separators.thousands, "")
    try:
        return Decimal(number.replace(separators.decimal, "."))
    except InvalidOperation:  # two decimal marks: "1,2,3" with "," declared decimal
        return None


# A crawl repeats a few thousand price spellings and a dozen currencies over hundreds of
# thousands of offers: each is read once, not once per offer.
@lru_cache(maxsize=16384)
def parse_amount(text: str | None, separators: NumberFormat | None = None) -> Decimal | None:
    """The number in `text`; None if none. Read with the operator's declared separators
    when it states them, else whatever the thousands and decimal separators are."""
    if not text:
        return None
    if separators is not None:
        return _declared_amount(text, separators)
    if text.isdigit():  # the common case: a bare whole number
        return Decimal(text)
    match = _NUMBER.search(text)
    if not match:
        return None
    number = re.sub(r"[\s'\u00a0\u202f\u2009]", "", match.group()).rstrip(".,")
    if "," in number and "." in number:
        # The separator that comes last is the decimal one.
        decimal_sep = "," if number.rfind(",") > number.rfind(".") else "."
        thousands_sep = "." if decimal_sep == "," else ","
        number = number.replace(thousands_sep, "").replace(decimal_sep, ".")
    elif "," in number or "." in number:
        sep = "," if "," in number else "."
        head, _, tail = number.rpartition(sep)
        # "1,234" and "1.234.567" group thousands; "12,5" and "99.90" carry decimals.
        if len(tail) == 3 and number.count(sep) >= 1 and head.replace(sep, "").isdigit():
            number = number.replace(sep, "")
        else:
            number = head.replace(sep, "") + "." + tail
    try:
        return Decimal(number)
    except InvalidOperation:
        return None


@lru_cache(maxsize=4096)
def parse_currency(text: str | None, default: str | None = None) -> str | None:
    """The ISO 4217 code written in `text` as a code or a symbol, else `default`."""
    if text:
        match = _CURRENCY_CODE.search(text.upper())
        if match:
            return match.group(1)
        for symbol, code in CURRENCY_SYMBOLS.items():
            if symbol in text.lower():
                return code
    return default


def parse_price(text: str | None, default_currency: str | None = None):
    """(amount, currency) from a price text; either may be None when it cannot be read."""
    return parse_amount(text), parse_currency(text, default_currency)
