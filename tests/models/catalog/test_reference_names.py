"""Results name each hotel's resort, country, operator and city from names read once per
catalogue generation, and never miss a place added after they were read."""

from sqlalchemy.orm import Session

from models.catalog.generation import current_generation
from models.catalog.search import search_hotels
from models.catalog.search_filters import SearchFilters
from models.db import get_engine
from tests.factories import (
    in_days,
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)


def land(session, country: tuple[str, str], resort: str, operator: tuple[str, str], city):
    """One offer of a hotel named after its resort, and the places around it."""
    make_offer(
        session,
        operator=make_operator(session, *operator),
        hotel=make_hotel(session, make_resort(session, make_country(session, *country), resort)),
        departure_city=make_departure_city(session, *city),
        departure_date=in_days(10),
    )
    session.commit()


def test_a_place_added_after_the_names_were_read_is_named(session, db_url):
    land(session, ("TR", "Turkey"), "Side", ("suncoast", "SunCoast Tours"), ("MOW", "Moscow"))
    filters = SearchFilters(country="TR", date_from=in_days(5), date_to=in_days(20))
    [before] = search_hotels(session, filters, 20).hotels
    assert (before.resort_name, before.operator_name) == ("Side", "SunCoast Tours")

    # A crawl lands a new resort, operator and city while this request still holds the
    # generation it read first.
    read = current_generation(session)
    with Session(get_engine(db_url)) as crawl:
        land(
            crawl,
            ("EG", "Egypt"),
            "Hurghada",
            ("bluesky", "BlueSky Travel"),
            ("LED", "Saint Petersburg"),
        )
    assert current_generation(session) == read

    everywhere = filters.model_copy(update={"country": None})
    found = {hotel.resort_name: hotel for hotel in search_hotels(session, everywhere, 20).hotels}
    reef = found["Hurghada"]
    assert (reef.country_code, reef.country_name) == ("EG", "Egypt")
    assert (reef.operator_code, reef.operator_name) == ("bluesky", "BlueSky Travel")
    assert (reef.departure_city_code, reef.departure_city_name) == ("LED", "Saint Petersburg")
    assert found["Side"].operator_name == "SunCoast Tours"
