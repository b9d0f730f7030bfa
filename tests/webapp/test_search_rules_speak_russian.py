"""The search filters' own rules answer a Russian reader in Russian, on the page and in the API.

Before, only pydantic's generic errors and past dates were translated: "Give one departure
date or a from/to range, not both" reached a Russian reader in English, even in the same
422 answer as a Russian sentence.
"""

import re
from datetime import timedelta

import pytest

from models.agency_time import agency_today
from tests.webapp.pages import main_text

SOON = agency_today() + timedelta(days=10)
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)

RULE_BREAKERS = {
    "city_code": {"departure_city": "MOSCOW"},
    "country_code": {"country": "TUR"},
    "date_range": {
        "date_from": SOON.isoformat(),
        "date_to": (SOON - timedelta(days=2)).isoformat(),
    },
    "date_range_length": {
        "date_from": SOON.isoformat(),
        "date_to": (SOON + timedelta(days=400)).isoformat(),
    },
    "date_or_range": {"date": SOON.isoformat(), "date_from": SOON.isoformat()},
    "nights_range": {"nights_min": "10", "nights_max": "7"},
    "meal_code": {"meal_min": "ALL"},
    "price_range": {"price_min": "900", "price_max": "500"},
    "currency": {"currency": "XYZ"},
    "hotel_name": {"hotel_name": "Side\tGarden"},
}


@pytest.mark.parametrize("kind", RULE_BREAKERS)
def test_the_api_explains_each_search_rule_in_russian(russian_client, offers, kind):
    response = russian_client.get("/api/search", params=RULE_BREAKERS[kind])
    assert response.status_code == 422
    [detail] = response.json()["detail"]
    assert detail["type"] == kind
    assert CYRILLIC.search(detail["msg"]), detail["msg"]


@pytest.mark.parametrize("kind", ["date_or_range", "currency", "price_range"])
def test_the_search_form_explains_the_rule_in_russian(russian_client, offers, kind):
    response = russian_client.get("/", params=RULE_BREAKERS[kind])
    assert response.status_code == 422
    text = main_text(response.text)
    english = {
        "date_or_range": "Give one departure date",
        "currency": "Pick a currency among",
        "price_range": "The maximum price must be",
    }[kind]
    assert english not in text
    assert {
        "date_or_range": "Укажите одну дату вылета",
        "currency": "Выберите валюту из списка: EUR, USD",
        "price_range": "Наибольшая цена должна быть не меньше наименьшей",
    }[kind] in text


def test_an_english_reader_keeps_the_english_wording(client, offers):
    response = client.get("/", params=RULE_BREAKERS["date_or_range"])
    assert "Give one departure date or a from/to range, not both." in main_text(response.text)
