"""Table-driven tests of the parsing helpers every spider relies on."""

from datetime import date
from decimal import Decimal

import pytest

from crawler.parsing.currency import to_base
from crawler.parsing.dates import parse_date
from crawler.parsing.geo import country_code, departure_city_code
from crawler.parsing.meals import normalize_meal
from crawler.parsing.numbers import parse_int, parse_stars
from crawler.parsing.prices import parse_price
from crawler.parsing.tidy_names import clean_hotel_name, match_key
from models.catalog.currency import BUILT_IN_RATES


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("1 234 EUR", "1234", "EUR"),
        ("€1,234.50", "1234.50", "EUR"),
        ("1.234,50 €", "1234.50", "EUR"),
        ("USD 990", "990", "USD"),
        ("12\u00a0345,00 руб.", "12345.00", "RUB"),
        ("99.90", "99.90", None),
        ("1,234,567", "1234567", None),
        ("12,5 $", "12.5", "USD"),
        ("price on request", None, None),
        ("", None, None),
    ],
)
def test_parse_price(text, amount, currency):
    assert parse_price(text) == (Decimal(amount) if amount else None, currency)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-05", date(2026, 12, 5)),
        ("05.12.2026", date(2026, 12, 5)),
        ("20261205", date(2026, 12, 5)),
        ("05 Dec 2026", date(2026, 12, 5)),
        ("2026-13-40", None),
        ("tomorrow", None),
        (None, None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("All Inclusive", "AI"),
        ("ALL INCL", "AI"),
        ("AI", "AI"),
        ("Ultra All Inclusive", "UAI"),
        ("Ultra All", "UAI"),
        ("UAI", "UAI"),
        ("BB", "BB"),
        ("Bed & Breakfast", "BB"),
        ("breakfast included", "BB"),
        ("Half Board", "HB"),
        ("HB", "HB"),
        ("Full board", "FB"),
        ("Room Only", "RO"),
        ("RO", "RO"),
        ("Все включено", "AI"),
        ("chef's surprise", None),
        (None, None),
    ],
)
def test_normalize_meal(text, code):
    assert normalize_meal(text) == code


@pytest.mark.parametrize(
    ("name", "clean", "stars"),
    [
        ("Golden Sands Resort 5*", "Golden Sands Resort", 5),
        ("Blue Bay Hotel (4*)", "Blue Bay Hotel", 4),
        ("Coral Beach *****", "Coral Beach", 5),
        ("Palm Garden 3 stars", "Palm Garden", 3),
        ("  Sea   Breeze  ", "Sea Breeze", None),
    ],
)
def test_clean_hotel_name(name, clean, stars):
    assert clean_hotel_name(name) == (clean, stars)


def test_match_key_ignores_case_accents_and_punctuation():
    assert match_key("Côte d'Azur Résort & Spa") == match_key("COTE D AZUR RESORT  SPA")


@pytest.mark.parametrize(
    ("text", "value"), [("14 nights", 14), ("7", 7), ("2 adults + 1 child", 2), ("none", None)]
)
def test_parse_int(text, value):
    assert parse_int(text) == value


@pytest.mark.parametrize(
    ("text", "stars"), [("★★★★", 4), ("5*", 5), ("3 stars", 3), ("***", 3), ("9", None), ("", None)]
)
def test_parse_stars(text, stars):
    assert parse_stars(text) == stars


def test_geography_lookups_accept_operators_spellings():
    assert country_code("Turkey") == country_code("Türkiye") == country_code("турция") == "TR"
    assert country_code("Atlantis") is None
    assert departure_city_code("St. Petersburg") == "LED"
    assert departure_city_code("Москва") == "MOW"


def test_conversion_to_base_currency_is_exact_decimal():
    assert to_base(Decimal("1000"), "USD", "EUR", BUILT_IN_RATES) == Decimal("920.00")
    assert to_base(Decimal("100"), "EUR", "EUR", BUILT_IN_RATES) == Decimal("100.00")
    assert to_base(Decimal("100"), "XXX", "EUR", BUILT_IN_RATES) is None
    assert to_base(Decimal("920"), "EUR", "USD", BUILT_IN_RATES) == Decimal("1000.00")
