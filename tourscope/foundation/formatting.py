"""Dates, numbers and money as people of the current locale read them (CLDR, via Babel).

Russian: "29 ноября 2026", "вс, 6 дек. 2026", "1 225,44 €", "95 000 ₽".
English: "29 Nov 2026", "Sun 6 Dec 2026", "€1,225.44", "€95,000".
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import NumberPattern, format_decimal, get_currency_symbol, parse_pattern

from tourscope.foundation.i18n import current_locale

CENT = Decimal("0.01")
# CLDR date patterns per locale, where the locale's own "medium" would not read as our
# sites do: Russian travel sites spell the month out ("29 ноября 2026", no "г.").
DATE_PATTERNS = {
    "ru": {
        "day": "d MMMM y",
        "long_day": "d MMMM y",
        "month": "LLLL y",
        "short_month": "LLL",
        "weekday": "EEE, d MMM y",
        "calendar": "EEE, d MMM",
        "moment": "d MMM y, HH:mm",
    },
    "en": {
        "day": "d MMM y",
        "long_day": "d MMMM y",
        "month": "LLLL y",
        "short_month": "LLL",
        "weekday": "EEE d MMM y",
        "calendar": "EEE d MMM",
        "moment": "d MMM y HH:mm",
    },
}


def _pattern(kind: str) -> str:
    return DATE_PATTERNS[current_locale()][kind]


def format_day(value: date) -> str:
    """ "29 ноября 2026" / "29 Nov 2026"."""
    return format_date(value, _pattern("day"), locale=current_locale())


def format_long_day(value: date) -> str:
    """The month spelt out: "29 ноября 2026" / "29 November 2026"."""
    return format_date(value, _pattern("long_day"), locale=current_locale())


def format_month(value: date) -> str:
    """A month of a year, standing alone: "ноябрь 2026" / "November 2026"."""
    return _month_label(value.replace(day=1), _pattern("month"), current_locale())


def format_short_month(value: date) -> str:
    """A chart's month under its bar, no year: "март" / "Mar"."""
    return _month_label(value.replace(day=1), _pattern("short_month"), current_locale())


@lru_cache(maxsize=1024)
def _month_label(first: date, pattern: str, locale: str) -> str:
    # A KPI page writes each of its months a few times per manager's chart; Babel's
    # formatting is the page's slowest part without this (few months, two locales).
    return format_date(first, pattern, locale=locale)


def format_weekday(value: date) -> str:
    """ "вс, 6 дек. 2026" / "Sun 6 Dec 2026"."""
    return format_date(value, _pattern("weekday"), locale=current_locale())


def format_calendar_day(value: date) -> str:
    """A day in a calendar of the coming weeks, no year: "вс, 6 дек." / "Sun 6 Dec"."""
    return format_date(value, _pattern("calendar"), locale=current_locale())


def format_moment(value: datetime, zone: tzinfo) -> str:
    """A moment on the clock of `zone`, with the zone's name: "26 нояб. 2026, 22:05 MSK"."""
    local = value.astimezone(zone)
    text = format_datetime(local, _pattern("moment"), tzinfo=zone, locale=current_locale())
    return f"{text} {local.tzname()}"


def format_number(value: int | float | Decimal) -> str:
    """ "15 000 000" / "15,000,000"; decimals as given."""
    return format_decimal(value, locale=current_locale())


def format_money(amount: Decimal | int | float | str, currency: str) -> str:
    """An amount with its currency by the locale's pattern; whole amounts without cents.

    Babel does not apply CLDR's currency spacing, so a symbol made of letters ("RUB" in
    English) gets its space here: "RUB 95,000", not "RUB95,000".
    """
    value = Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)
    return _money_text(current_locale(), value, currency)


# A hotel page shows hundreds of amounts, the same ones again and again across pages;
# Babel parses the locale's pattern and looks the symbol up at every call (about a third
# of the page's rendering time before these caches).
@lru_cache(maxsize=65536)
def _money_text(locale_name: str, value: Decimal, currency: str) -> str:
    whole = value == value.to_integral_value()
    pattern, locale = _money_pattern(locale_name, currency, whole)
    return pattern.apply(value, locale, currency=currency, currency_digits=False)


@lru_cache(maxsize=256)
def _money_pattern(locale_name: str, currency: str, whole: bool) -> tuple[NumberPattern, Locale]:
    locale = Locale.parse(locale_name)
    pattern = locale.currency_formats["standard"].pattern
    if whole:
        pattern = pattern.replace(".00", "")
    symbol = get_currency_symbol(currency, locale=locale)
    if symbol[:1].isalpha() and "¤#" in pattern:
        pattern = pattern.replace("¤#", "¤\xa0#")
    return parse_pattern(pattern), locale
