"""Operators' reference values mapped to our codes; what maps to nothing stays visible."""

import pytest

from crawler.reference_mapping import map_reference, resort_name


@pytest.mark.parametrize(
    "country, spelling, resort",
    [
        ("EG", "Хургада", "Hurghada"),
        ("EG", "Шарм-Эль-Шейх", "Sharm El Sheikh"),
        ("TR", "Анталья", "Antalya"),
        ("TR", "Кемер", "Kemer"),
        ("GR", "о. Родос", "Rhodes"),
        ("ES", "о. Майорка", "Mallorca"),
        ("TH", "Пхукет", "Phuket"),
        ("AE", "Рас-эль-Хайма", "Ras Al Khaimah"),
        ("EG", "HURGHADA", "Hurghada"),
        ("TR", "Чамьюва", "Camyuva"),
    ],
)
def test_regions_in_russian_and_latin_find_the_catalogue_resort(country, spelling, resort):
    assert resort_name(country, spelling) == resort


def test_a_region_the_gazetteer_does_not_know_is_romanized_not_lost():
    assert resort_name("TR", "Новый Курорт") == "Novyy Kurort"
    assert map_reference("region", "Хургада") is None  # no country: nothing to file it under


@pytest.mark.parametrize(
    "kind, spelling, code",
    [
        ("meal", "Все включено", "AI"),
        ("meal", "UAI", "UAI"),
        ("meal", "Завтрак", "BB"),
        ("meal", "Как в отеле", None),
        ("stars", "5*", "5"),
        ("stars", "3+*", "3"),
        ("stars", "4 звезды", "4"),
        ("stars", "HV-1", None),  # a holiday village class, not one star
        ("stars", "Apts", None),
        ("country", "Доминикана", "DO"),
        ("country", "Атлантида", None),
        ("departure", "Самара", "KUF"),
        ("departure", "Без перелета", None),
        ("hotel", "RIXOS PREMIUM BELEK", None),  # hotels are matched, not mapped
    ],
)
def test_reference_values_map_to_our_codes(kind, spelling, code):
    assert map_reference(kind, spelling) == code
