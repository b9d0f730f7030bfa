"""Places as real operators write them: countries and departure cities in Russian and English."""

import csv

import airportsdata
import pytest

from crawler.parsing.geo import (
    DATA_DIR,
    country_code,
    country_name,
    departure_city_code,
    departure_city_name,
    place_key,
)


@pytest.mark.parametrize(
    "name, code",
    [
        ("Турция", "TR"),
        ("Türkiye", "TR"),
        ("ОАЭ", "AE"),
        ("Объединённые Арабские Эмираты", "AE"),
        ("Доминикана", "DO"),
        ("Dominican Republic", "DO"),
        ("Грузия", "GE"),
        ("Абхазия", "AB"),
        ("Россия", "RU"),
        ("Танзания", "TZ"),
        ("Шри-Ланка", "LK"),
        ("МАВРИКИЙ", "MU"),
        ("Bali", "ID"),
    ],
)
def test_countries_in_the_spellings_operators_use(name, code):
    assert country_code(name) == code


def test_unknown_places_stay_unknown():
    assert country_code("Атлантида") is None and country_code("") is None
    assert departure_city_code("Без перелета") is None


@pytest.mark.parametrize(
    "name, code",
    [
        ("Самара", "KUF"),
        ("Уфа", "UFA"),
        ("Пермь", "PEE"),
        ("Сочи", "AER"),
        ("Калининград", "KGD"),
        ("Минеральные Воды", "MRV"),
        ("Mineralnye Vody", "MRV"),
        ("Москва", "MOW"),
        ("SVO", "MOW"),
        ("С.Петербург", "LED"),  # as Tourvisor's departure list writes it
        ("Санкт-Петербург", "LED"),
        ("Екатеринбург", "SVX"),
        ("Ekaterinburg", "SVX"),
        ("Tyumen", "TJM"),  # from airportsdata alone
    ],
)
def test_real_charter_departures(name, code):
    assert departure_city_code(name) == code


def test_every_curated_departure_is_a_real_iata_code():
    airports = airportsdata.load("IATA")
    cities = airportsdata.load_iata_macs()
    with open(DATA_DIR / "departure_cities.csv", encoding="utf-8") as file:
        rows = list(csv.DictReader(line for line in file if not line.startswith("#")))
    assert len(rows) > 60
    for row in rows:
        assert row["code"] in airports or row["code"] in cities, row


def test_names_for_the_catalogue():
    assert country_name("TR") == "Turkey" and country_name("GE") == "Georgia"
    assert departure_city_name("KUF") == "Samara"
    assert departure_city_name("ZZZ") is None


def test_place_keys_ignore_case_accents_and_punctuation_in_any_script():
    assert place_key("Санкт-Петербург") == place_key("санкт петербург")
    assert place_key("Объединённые") == place_key("объединенные")
    assert place_key("Türkiye") == "turkiye"
