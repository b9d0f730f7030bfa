"""The Russian names of the catalogue's places, from the crawler's gazetteer.

Countries take theirs from CLDR (crawler/parsing/geo.py), departure cities from the
charter departures' table, resorts from the resort gazetteer (crawler/parsing/resorts.py).
A place gets its Russian name when a crawl creates it (crawler/references.py), and a crawl
fills any place still without one, so places created before the names existed get them
too; a place no source names in Russian keeps None and shows its English name.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.parsing.geo import countries, departure_cities
from crawler.parsing.resorts import resort_russian_name
from models import Country, DepartureCity, Resort


def country_russian_name(code: str) -> str | None:
    country = countries().get(code)
    return country.name_ru if country else None


def city_russian_name(code: str) -> str | None:
    city = departure_cities().get(code)
    return city.name_ru if city and city.name_ru else None


def fill_russian_place_names(session: Session) -> int:
    """Give every place without a Russian name the gazetteer's; returns how many got one.
    The caller commits."""
    filled = 0
    for country in session.scalars(select(Country).where(Country.name_ru.is_(None))):
        if name := country_russian_name(country.code):
            country.name_ru, filled = name, filled + 1
    for city in session.scalars(select(DepartureCity).where(DepartureCity.name_ru.is_(None))):
        if name := city_russian_name(city.code):
            city.name_ru, filled = name, filled + 1
    unnamed = session.execute(
        select(Resort, Country.code)
        .join(Country, Resort.country_id == Country.id)
        .where(Resort.name_ru.is_(None))
    ).all()
    for resort, country_code in unnamed:
        if name := resort_russian_name(country_code, resort.name):
            resort.name_ru, filled = name, filled + 1
    session.flush()
    return filled
