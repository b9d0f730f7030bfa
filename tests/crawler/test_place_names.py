"""The crawler gives the catalogue's places their Russian names from its gazetteer."""

from sqlalchemy import select

from crawler.place_names import fill_russian_place_names
from crawler.references import ReferenceCache
from models import Country, DepartureCity, Resort
from tests.factories import make_country, make_departure_city, make_resort


def test_places_created_before_the_names_get_them(session):
    turkey = make_country(session, "TR", "Turkey")
    egypt = make_country(session, "EG", "Egypt")
    make_resort(session, turkey, "Kemer")
    make_resort(session, egypt, "Sharm El Sheikh")
    make_resort(session, turkey, "Nowhere Bay")  # the gazetteer does not know it
    make_departure_city(session, "KZN", "Kazan")
    session.commit()

    filled = fill_russian_place_names(session)
    session.commit()

    assert filled == 5
    assert session.scalar(select(Country.name_ru).where(Country.code == "TR")) == "Турция"
    assert session.scalar(select(Country.name_ru).where(Country.code == "EG")) == "Египет"
    resorts = dict(session.execute(select(Resort.name, Resort.name_ru)).all())
    assert resorts == {"Kemer": "Кемер", "Sharm El Sheikh": "Шарм-эль-Шейх", "Nowhere Bay": None}
    assert session.scalar(select(DepartureCity.name_ru)) == "Казань"
    assert fill_russian_place_names(session) == 0  # nothing left that a source names


def test_places_a_crawl_creates_have_both_names(session):
    references = ReferenceCache(session)

    resort_id = references.resort_id("AE", "Dubai")
    city_id = references.departure_city_id("MOW", "Moscow")

    resort = session.get(Resort, resort_id)
    assert (resort.name, resort.name_ru, resort.country.name_ru) == ("Dubai", "Дубай", "ОАЭ")
    assert session.get(DepartureCity, city_id).name_ru == "Москва"
    assert resort.search_key == " db db"
