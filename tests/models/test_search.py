"""Hotel search: each filter, grouping by hotel, ordering and paging, on both databases."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from models import DepartureCity, Hotel, Operator
from models.queries import SearchFilters, list_countries, search_hotels
from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)

TODAY = date.today()


def in_days(days: int) -> date:
    return TODAY + timedelta(days=days)


@dataclass
class World:
    suncoast: Operator
    bluesky: Operator
    city: DepartureCity
    antalya_hotel: Hotel  # Turkey
    side_hotel: Hotel  # Turkey
    hurghada_hotel: Hotel  # Egypt


@pytest.fixture
def world(session: Session) -> World:
    turkey = make_country(session, "TR", "Turkey")
    egypt = make_country(session, "EG", "Egypt")
    antalya = make_resort(session, turkey, "Antalya")
    side = make_resort(session, turkey, "Side")
    hurghada = make_resort(session, egypt, "Hurghada")
    return World(
        suncoast=make_operator(session, "suncoast", "SunCoast Tours"),
        bluesky=make_operator(session, "bluesky", "BlueSky Travel"),
        city=make_departure_city(session),
        antalya_hotel=make_hotel(session, antalya, "Antalya Palace", stars=5),
        side_hotel=make_hotel(session, side, "Side Garden", stars=4),
        hurghada_hotel=make_hotel(session, hurghada, "Hurghada Reef", stars=3),
    )


def offer(session: Session, world: World, hotel: Hotel, **fields):
    fields.setdefault("operator", world.suncoast)
    return make_offer(session, hotel=hotel, departure_city=world.city, **fields)


def search(session: Session, page_size: int = 20, **filters):
    return search_hotels(session, SearchFilters(**filters), page_size)


def names(page) -> list[str]:
    return [hotel.hotel_name for hotel in page.hotels]


def test_one_row_per_hotel_with_its_cheapest_offer_across_operators(session, world):
    offer(session, world, world.antalya_hotel, operator=world.suncoast, price="900.00")
    cheapest = offer(
        session,
        world,
        world.antalya_hotel,
        operator=world.bluesky,
        price="750.50",
        departure_date=in_days(20),
        nights=10,
        meal="HB",
        room_type="Sea View Room",
    )
    offer(session, world, world.antalya_hotel, operator=world.suncoast, price="1200.00")

    page = search(session)

    assert page.total_hotels == 1
    [hotel] = page.hotels
    assert hotel.hotel_id == world.antalya_hotel.id
    assert (hotel.hotel_name, hotel.stars) == ("Antalya Palace", 5)
    assert (hotel.resort_name, hotel.country_name, hotel.country_code) == (
        "Antalya",
        "Turkey",
        "TR",
    )
    assert hotel.min_price == Decimal("750.50")
    assert (hotel.operator_code, hotel.operator_name) == ("bluesky", "BlueSky Travel")
    assert (hotel.departure_date, hotel.nights, hotel.meal, hotel.room_type) == (
        in_days(20),
        10,
        "HB",
        "Sea View Room",
    )
    assert hotel.offer_url == cheapest.url
    assert hotel.offer_count == 3


def test_inactive_offers_are_never_found(session, world):
    offer(session, world, world.antalya_hotel, price="500.00", is_active=False)
    offer(session, world, world.antalya_hotel, price="800.00")
    offer(session, world, world.side_hotel, price="400.00", is_active=False)

    page = search(session)

    assert names(page) == ["Antalya Palace"]
    assert page.hotels[0].min_price == Decimal("800.00")
    assert page.hotels[0].offer_count == 1


def test_past_departures_are_never_found(session, world):
    offer(session, world, world.antalya_hotel, departure_date=in_days(-1), price="100.00")
    offer(session, world, world.antalya_hotel, departure_date=TODAY, price="700.00")

    page = search(session, date_from=in_days(-30))

    assert page.hotels[0].min_price == Decimal("700.00")
    assert page.hotels[0].offer_count == 1


def test_country_filter(session, world):
    offer(session, world, world.antalya_hotel)
    offer(session, world, world.hurghada_hotel)

    assert names(search(session, country="eg")) == ["Hurghada Reef"]
    assert names(search(session, country="TR")) == ["Antalya Palace"]
    assert names(search(session, country="FR")) == []


def test_date_range_filter_is_inclusive(session, world):
    offer(session, world, world.antalya_hotel, departure_date=in_days(10))
    offer(session, world, world.side_hotel, departure_date=in_days(20))
    offer(session, world, world.hurghada_hotel, departure_date=in_days(30))

    page = search(session, date_from=in_days(10), date_to=in_days(20))
    assert sorted(names(page)) == ["Antalya Palace", "Side Garden"]
    assert names(search(session, date_from=in_days(21))) == ["Hurghada Reef"]
    assert names(search(session, date_to=in_days(9))) == []


def test_nights_filter(session, world):
    offer(session, world, world.antalya_hotel, nights=3)
    offer(session, world, world.side_hotel, nights=7)
    offer(session, world, world.hurghada_hotel, nights=14)

    assert sorted(names(search(session, nights_min=7))) == ["Hurghada Reef", "Side Garden"]
    assert names(search(session, nights_max=6)) == ["Antalya Palace"]
    assert names(search(session, nights_min=7, nights_max=7)) == ["Side Garden"]


def test_price_filter_compares_the_base_price(session, world):
    offer(session, world, world.antalya_hotel, price="999.99")
    offer(session, world, world.side_hotel, price="1000.00")
    offer(session, world, world.hurghada_hotel, price="1000.01")

    page = search(session, price_max=Decimal("1000"))

    assert sorted(names(page)) == ["Antalya Palace", "Side Garden"]


def test_filters_pick_the_cheapest_matching_offer_and_count_only_matches(session, world):
    offer(session, world, world.antalya_hotel, nights=3, price="300.00")
    offer(session, world, world.antalya_hotel, nights=7, price="900.00", operator=world.bluesky)
    offer(session, world, world.antalya_hotel, nights=10, price="1100.00")

    [hotel] = search(session, nights_min=7).hotels

    assert hotel.min_price == Decimal("900.00")
    assert hotel.operator_name == "BlueSky Travel"
    assert hotel.offer_count == 2


def test_cheapest_first_then_by_hotel_name(session, world):
    # Created after Side Garden, so only the name puts it first.
    alanya_bay = make_hotel(session, world.antalya_hotel.resort, "Alanya Bay")
    offer(session, world, world.hurghada_hotel, price="500.00")
    offer(session, world, world.side_hotel, price="800.00")
    offer(session, world, alanya_bay, price="800.00")
    offer(session, world, world.antalya_hotel, price="800.01")

    assert names(search(session)) == [
        "Hurghada Reef",
        "Alanya Bay",
        "Side Garden",
        "Antalya Palace",
    ]


def test_equal_prices_in_one_hotel_pick_the_earliest_stored_offer(session, world):
    first = offer(session, world, world.antalya_hotel, price="800.00", operator=world.bluesky)
    offer(session, world, world.antalya_hotel, price="800.00", operator=world.suncoast)

    [hotel] = search(session).hotels

    assert hotel.offer_url == first.url
    assert hotel.operator_name == "BlueSky Travel"


def test_paging(session, world):
    offer(session, world, world.antalya_hotel, price="100.00")
    offer(session, world, world.side_hotel, price="200.00")
    offer(session, world, world.hurghada_hotel, price="300.00")

    first = search(session, page_size=2)
    second = search(session, page_size=2, page=2)

    assert (first.total_hotels, first.pages, first.page) == (3, 2, 1)
    assert names(first) == ["Antalya Palace", "Side Garden"]
    assert (second.page, names(second)) == (2, ["Hurghada Reef"])


def test_a_page_past_the_end_shows_the_last_page(session, world):
    offer(session, world, world.antalya_hotel)

    page = search(session, page=50)

    assert (page.page, page.pages, names(page)) == (1, 1, ["Antalya Palace"])


def test_no_offers_gives_one_empty_page(session):
    page = search(session)

    assert (page.hotels, page.total_hotels, page.page, page.pages) == ([], 0, 1, 1)


def test_list_countries_has_only_countries_with_active_future_offers(session, world):
    offer(session, world, world.hurghada_hotel)
    offer(session, world, world.antalya_hotel)
    offer(session, world, world.side_hotel)
    make_country(session, "GR", "Greece")  # no offers at all

    assert [(c.code, c.name) for c in list_countries(session)] == [
        ("EG", "Egypt"),
        ("TR", "Turkey"),
    ]


def test_list_countries_ignores_inactive_and_past_offers(session, world):
    offer(session, world, world.hurghada_hotel, is_active=False)
    offer(session, world, world.antalya_hotel, departure_date=in_days(-3))

    assert list_countries(session) == []


class TestSearchFilters:
    def test_blank_form_inputs_mean_not_set(self):
        filters = SearchFilters.model_validate(
            {
                "country": "",
                "date_from": "",
                "date_to": " ",
                "nights_min": "",
                "nights_max": "",
                "price_max": "",
                "page": "",
            }
        )
        assert filters == SearchFilters()
        assert filters.page == 1

    def test_country_code_is_normalized(self):
        assert SearchFilters.model_validate({"country": " tr "}).country == "TR"

    @pytest.mark.parametrize(
        ("params", "field", "message"),
        [
            ({"nights_min": "abc"}, "nights_min", "valid integer"),
            ({"nights_max": "31"}, "nights_max", "less than or equal to 30"),
            ({"nights_min": "0"}, "nights_min", "greater than or equal to 1"),
            ({"date_from": "2026-13-40"}, "date_from", "valid date"),
            ({"price_max": "0"}, "price_max", "greater than 0"),
            ({"price_max": "NaN"}, "price_max", "finite number"),
            ({"country": "Turkey"}, "country", "two-letter country code"),
            ({"page": "0"}, "page", "greater than or equal to 1"),
            (
                {"date_from": "2026-05-02", "date_to": "2026-05-01"},
                "date_to",
                "'to' date must be on or after the 'from' date",
            ),
            (
                {"nights_min": "10", "nights_max": "7"},
                "nights_max",
                "Maximum nights must be at least the minimum nights",
            ),
        ],
    )
    def test_invalid_input_names_the_field_and_the_problem(self, params, field, message):
        with pytest.raises(ValidationError) as raised:
            SearchFilters.model_validate(params)
        [error] = raised.value.errors()
        assert error["loc"] == (field,)
        assert message in error["msg"]

    def test_equal_bounds_are_valid(self):
        filters = SearchFilters.model_validate(
            {"date_from": "2026-05-01", "date_to": "2026-05-01", "nights_min": 7, "nights_max": 7}
        )
        assert filters.date_from == filters.date_to == date(2026, 5, 1)


def test_stop_sale_and_sold_out_offers_are_not_shown(session):
    operator = make_operator(session)
    city = make_departure_city(session)
    resort = make_resort(session, make_country(session))
    hotel = make_hotel(session, resort, name="Quiet Cove")
    for availability, price in [("stop_sale", "100"), ("sold_out", "150"), ("on_request", "300")]:
        offer = make_offer(
            session, operator=operator, hotel=hotel, departure_city=city, price=price
        )
        offer.availability = availability
    session.commit()
    page = search_hotels(session, SearchFilters(), page_size=20)
    assert [(h.hotel_name, h.min_price) for h in page.hotels] == [("Quiet Cove", Decimal("300"))]
