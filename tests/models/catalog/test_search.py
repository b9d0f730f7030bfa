"""Hotel search: each filter, grouping by hotel, ordering and paging, on both databases."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from models import DepartureCity, Hotel, Operator
from models.catalog.search import list_countries, search_hotels
from models.catalog.search_filters import SearchFilters
from models.catalog.search_widening import suggest_widening
from tests.factories import (
    in_days,
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)


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
    offer(session, world, world.antalya_hotel, departure_date=in_days(0), price="700.00")

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


@pytest.mark.parametrize("window_days", [13, 90])
def test_a_nights_range_keeps_both_ends_of_the_date_range(session, world, window_days):
    """With a nights range a short window lists its days one by one (`_listed_days`), a
    long one does not: either way the first and last days are in, the days around out."""
    first, last = in_days(5), in_days(5 + window_days)
    offer(session, world, world.antalya_hotel, departure_date=first, nights=7)
    offer(session, world, world.side_hotel, departure_date=last, nights=7)
    offer(session, world, world.hurghada_hotel, departure_date=in_days(4), nights=7)
    offer(session, world, world.hurghada_hotel, departure_date=in_days(6 + window_days), nights=7)
    offer(session, world, world.hurghada_hotel, departure_date=in_days(6), nights=12)

    page = search(session, date_from=first, date_to=last, nights_min=6, nights_max=8)

    assert sorted(names(page)) == ["Antalya Palace", "Side Garden"]


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
                {"date_from": "2099-05-02", "date_to": "2099-05-01"},
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
            {"date_from": "2099-05-01", "date_to": "2099-05-01", "nights_min": 7, "nights_max": 7}
        )
        assert filters.date_from == filters.date_to == date(2099, 5, 1)


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


# -- the party-price rule, the filters of issue 4, sorting, currency, suggestions ----------


def with_fields(made, **fields):
    """Sets columns the factory does not take (availability, surcharge, price_base...)."""
    for name, value in fields.items():
        setattr(made, name, value)
    return made


def test_party_price_rule_infants_travel_free_and_shares_are_of_the_counted_party(session, world):
    # 2 adults + children aged 7 and 1: the 1-year-old is an infant, so the party is 2+1.
    offer(session, world, world.antalya_hotel, adults=2, children=0, price="900.00")
    party_offer = offer(
        session, world, world.side_hotel, adults=2, children=1, price="1500.00", nights=10
    )
    offer(session, world, world.hurghada_hotel, adults=2, children=2, price="800.00")
    offer(session, world, world.hurghada_hotel, adults=1, children=1, price="700.00")

    page = search(session, adults=2, children_ages=[7, 1])

    [hotel] = page.hotels
    assert hotel.hotel_name == "Side Garden"
    assert hotel.offer_id == party_offer.id
    assert hotel.min_price == Decimal("1500.00")  # the all-in total for the whole party
    assert hotel.price_per_person == Decimal("500.00")  # 1500 / (2 adults + 1 child)
    assert hotel.price_per_night == Decimal("150.00")  # 1500 / 10 nights


def test_party_of_adults_and_an_infant_matches_offers_for_the_adults_alone(session, world):
    offer(session, world, world.antalya_hotel, adults=2, children=0, price="1000.00")
    offer(session, world, world.side_hotel, adults=2, children=1, price="1200.00")

    [hotel] = search(session, children_ages=[0]).hotels

    assert hotel.hotel_name == "Antalya Palace"
    assert hotel.price_per_person == Decimal("500.00")


def test_adults_default_to_two_and_select_the_party(session, world):
    offer(session, world, world.antalya_hotel, adults=2)
    offer(session, world, world.side_hotel, adults=1)
    offer(session, world, world.hurghada_hotel, adults=3)

    assert names(search(session)) == ["Antalya Palace"]
    assert names(search(session, adults=1)) == ["Side Garden"]
    assert names(search(session, adults=3)) == ["Hurghada Reef"]


def test_prices_convert_to_the_visitor_currency_and_so_does_the_price_range(session, world):
    # price_base is in EUR; 1 USD = 0.92 EUR, so 920 EUR show as 1000.00 USD.
    made = offer(session, world, world.antalya_hotel, price="920.00", nights=8)
    with_fields(made, surcharge=Decimal("92.00"))
    offer(session, world, world.side_hotel, price="921.00")  # 1001.09 USD

    [hotel] = search(session, currency="usd", price_max=Decimal("1000")).hotels

    assert hotel.hotel_name == "Antalya Palace"
    assert (hotel.currency, hotel.min_price) == ("USD", Decimal("1000.00"))
    assert hotel.price_per_person == Decimal("500.00")
    assert hotel.price_per_night == Decimal("125.00")
    assert hotel.surcharge == Decimal("100.00")  # 10% of the price, in dollars too
    assert names(search(session, currency="USD", price_min=Decimal("1000.01"))) == ["Side Garden"]
    assert search(session, currency="EUR").hotels[0].min_price == Decimal("920.00")


def test_price_range_bounds_are_inclusive_to_the_cent_as_shown(session, world):
    offer(session, world, world.antalya_hotel, price="500.00")
    offer(session, world, world.side_hotel, price="700.00")
    offer(session, world, world.hurghada_hotel, price="900.00")

    page = search(session, price_min=Decimal("500"), price_max=Decimal("700"))

    assert sorted(names(page)) == ["Antalya Palace", "Side Garden"]


def test_departure_city_filter(session, world):
    spb = make_departure_city(session, "LED", "Saint Petersburg")
    offer(session, world, world.antalya_hotel)
    make_offer(session, operator=world.suncoast, hotel=world.side_hotel, departure_city=spb)

    assert names(search(session, departure_city="led")) == ["Side Garden"]
    [hotel] = search(session, departure_city="LED").hotels
    assert (hotel.departure_city_code, hotel.departure_city_name) == ("LED", "Saint Petersburg")
    assert names(search(session, departure_city="MOW")) == ["Antalya Palace"]
    assert names(search(session, departure_city="KZN")) == []


def test_resort_filter_keeps_only_the_chosen_resorts(session, world):
    offer(session, world, world.antalya_hotel)
    offer(session, world, world.side_hotel)
    offer(session, world, world.hurghada_hotel)

    page = search(session, resorts=[world.side_hotel.resort_id, world.hurghada_hotel.resort_id])

    assert sorted(names(page)) == ["Hurghada Reef", "Side Garden"]
    assert names(search(session, country="TR", resorts=[world.antalya_hotel.resort_id])) == [
        "Antalya Palace"
    ]


def test_one_date_with_flexible_days(session, world):
    offer(session, world, world.antalya_hotel, departure_date=in_days(10))
    offer(session, world, world.side_hotel, departure_date=in_days(12))
    offer(session, world, world.hurghada_hotel, departure_date=in_days(14))

    assert names(search(session, date=in_days(12))) == ["Side Garden"]
    assert sorted(names(search(session, date=in_days(12), flex_days=2))) == [
        "Antalya Palace",
        "Hurghada Reef",
        "Side Garden",
    ]
    assert sorted(names(search(session, date=in_days(13), flex_days=1))) == [
        "Hurghada Reef",
        "Side Garden",
    ]


def test_default_window_is_tomorrow_to_30_days_later(session, world):
    offer(session, world, world.antalya_hotel, departure_date=in_days(0))
    offer(session, world, world.side_hotel, departure_date=in_days(31))
    offer(session, world, world.hurghada_hotel, departure_date=in_days(32))

    assert names(search(session)) == ["Side Garden"]
    assert sorted(names(search(session, date_to=in_days(40)))) == [
        "Antalya Palace",
        "Hurghada Reef",
        "Side Garden",
    ]


def test_stars_filter_is_or_better(session, world):
    offer(session, world, world.antalya_hotel)  # 5*
    offer(session, world, world.side_hotel)  # 4*
    offer(session, world, world.hurghada_hotel)  # 3*

    assert sorted(names(search(session, stars_min=4))) == ["Antalya Palace", "Side Garden"]
    assert names(search(session, stars_min=5)) == ["Antalya Palace"]


@pytest.mark.parametrize(
    ("meal_min", "found"),
    [
        ("HB", ["FB", "UAI"]),
        ("bb", ["BB", "FB", "UAI"]),
        ("AI", ["UAI"]),
        ("RO", ["BB", "FB", "UAI"]),
    ],
)
def test_meal_filter_is_or_better(session, world, meal_min, found):
    for hotel, meal in [
        (world.antalya_hotel, "BB"),
        (world.side_hotel, "FB"),
        (world.hurghada_hotel, "UAI"),
    ]:
        offer(session, world, hotel, meal=meal)

    assert sorted(h.meal for h in search(session, meal_min=meal_min).hotels) == found


def test_operator_filter(session, world):
    offer(session, world, world.antalya_hotel, operator=world.suncoast, price="500")
    offer(session, world, world.antalya_hotel, operator=world.bluesky, price="600")
    offer(session, world, world.side_hotel, operator=world.bluesky)

    [palace] = search(session, operators=["suncoast"]).hotels
    assert (palace.hotel_name, palace.operator_name) == ("Antalya Palace", "SunCoast Tours")
    page = search(session, operators=["bluesky"])
    assert sorted(names(page)) == ["Antalya Palace", "Side Garden"]
    assert {h.operator_code for h in page.hotels} == {"bluesky"}
    assert names(search(session, operators=["nobody"])) == []


def test_hotel_name_contains_ignores_case_and_wildcards(session, world):
    percent = make_hotel(session, world.side_hotel.resort, "100% Fun Club")
    offer(session, world, world.antalya_hotel)
    offer(session, world, world.side_hotel)
    offer(session, world, percent)

    assert names(search(session, hotel_name="PALACE")) == ["Antalya Palace"]
    assert names(search(session, hotel_name="% f")) == ["100% Fun Club"]
    assert names(search(session, hotel_name="_")) == []


def test_grouping_counts_offers_and_distinct_operators(session, world):
    offer(session, world, world.antalya_hotel, operator=world.suncoast, price="900")
    offer(session, world, world.antalya_hotel, operator=world.suncoast, price="950")
    offer(session, world, world.antalya_hotel, operator=world.bluesky, price="990")
    offer(session, world, world.side_hotel, operator=world.bluesky, price="500")

    palace, garden = sorted(search(session).hotels, key=lambda h: h.hotel_name)

    assert (palace.offer_count, palace.operator_count) == (3, 2)
    assert (garden.offer_count, garden.operator_count) == (1, 1)


def test_on_request_offers_are_found_and_flagged_with_their_freshness(session, world):
    checked = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    made = offer(session, world, world.antalya_hotel, price="700")
    with_fields(made, availability="on_request", last_seen_at=checked)
    offer(session, world, world.side_hotel, price="800")
    session.flush()

    palace, garden = search(session).hotels

    assert (palace.hotel_name, palace.on_request, palace.checked_at) == (
        "Antalya Palace",
        True,
        checked,
    )
    assert garden.on_request is False


def test_sort_by_stars_then_price(session, world):
    offer(session, world, world.hurghada_hotel, price="300")  # 3*
    offer(session, world, world.side_hotel, price="900")  # 4*
    offer(session, world, world.antalya_hotel, price="2000")  # 5*
    other_five = make_hotel(session, world.antalya_hotel.resort, "Belek Grand", stars=5)
    offer(session, world, other_five, price="1500")

    assert names(search(session, sort="stars")) == [
        "Belek Grand",
        "Antalya Palace",
        "Side Garden",
        "Hurghada Reef",
    ]


def test_sort_by_departure_date_of_the_cheapest_offer(session, world):
    offer(session, world, world.antalya_hotel, price="300", departure_date=in_days(20))
    offer(session, world, world.antalya_hotel, price="900", departure_date=in_days(2))
    offer(session, world, world.side_hotel, price="800", departure_date=in_days(5))
    offer(session, world, world.hurghada_hotel, price="100", departure_date=in_days(9))

    page = search(session, sort="date")

    assert names(page) == ["Side Garden", "Hurghada Reef", "Antalya Palace"]
    assert [h.departure_date for h in page.hotels] == [in_days(5), in_days(9), in_days(20)]


def test_paging_with_a_sort_keeps_the_order_across_pages(session, world):
    resort = world.antalya_hotel.resort
    for number in range(5):
        hotel = make_hotel(session, resort, f"Hotel {number}", stars=1 + number)
        offer(session, world, hotel, price=f"{100 * (5 - number)}")

    first = search(session, page_size=2, sort="stars")
    third = search(session, page_size=2, sort="stars", page=3)

    assert (first.total_hotels, first.pages) == (5, 3)
    assert names(first) == ["Hotel 4", "Hotel 3"]
    assert names(third) == ["Hotel 0"]


class TestSuggestions:
    def test_each_widening_reports_what_it_would_find(self, session, world):
        offer(session, world, world.antalya_hotel, meal="BB", departure_date=in_days(10))
        offer(session, world, world.side_hotel, meal="AI", departure_date=in_days(14))
        filters = SearchFilters(date=in_days(11), meal_min="AI", price_max=Decimal("500"))

        assert search_hotels(session, filters, 20).total_hotels == 0
        suggestions = {s.label: s for s in suggest_widening(session, filters)}

        assert set(suggestions) == {"3 days either side of the date", "any meal plan", "any price"}
        assert suggestions["any price"].hotel_count == 0  # still the wrong date
        wider = suggestions["3 days either side of the date"]
        assert wider.filters.flex_days == 3
        assert wider.hotel_count == 0  # still too dear
        assert "flex_days=3" in wider.query and "meal_min=AI" in wider.query

    def test_widening_finds_the_hotels_just_outside_the_search(self, session, world):
        offer(session, world, world.antalya_hotel, nights=7, departure_date=in_days(20))
        offer(session, world, world.side_hotel, nights=10, departure_date=in_days(25))
        filters = SearchFilters(
            date_from=in_days(15), date_to=in_days(18), nights_min=6, nights_max=7
        )

        counts = {s.label: s.hotel_count for s in suggest_widening(session, filters)}

        assert counts == {"3 more days either side": 1, "3 nights more or fewer": 0}
        [dates] = [s for s in suggest_widening(session, filters) if s.hotel_count]
        assert (dates.filters.date_from, dates.filters.date_to) == (in_days(12), in_days(21))
        assert names(search_hotels(session, dates.filters, 20)) == ["Antalya Palace"]
        assert "date_to=" in dates.query and "page=" not in dates.query


class TestPartyFilters:
    def test_children_are_counted_from_the_age_of_two(self):
        filters = SearchFilters(adults=2, children_ages=[7, 1, 0, 2])
        assert (filters.children, filters.infants, filters.party_size) == (2, 2, 4)

    def test_form_inputs_of_a_full_search(self):
        filters = SearchFilters.model_validate(
            {
                "departure_city": " mow ",
                "resorts": ["3", "", "5"],
                "children_ages": ["", "7", "1", ""],
                "meal_min": "hb",
                "currency": "usd",
                "operators": ["suncoast"],
                "sort": "stars",
                "adults": "",
                "flex_days": "",
            }
        )
        assert filters.departure_city == "MOW"
        assert filters.resorts == [3, 5]
        assert filters.children_ages == [7, 1]
        assert (filters.meal_min, filters.currency, filters.sort) == ("HB", "USD", "stars")
        assert (filters.adults, filters.flex_days) == (2, 0)

    def test_query_params_round_trip_and_leave_out_defaults(self):
        filters = SearchFilters(
            country="TR", children_ages=[7, 1], date=in_days(3), flex_days=2, sort="date"
        )
        params = filters.query_params()
        assert params == [
            ("country", "TR"),
            ("date", in_days(3).isoformat()),
            ("flex_days", "2"),
            ("children_ages", "7"),
            ("children_ages", "1"),
            ("sort", "date"),
        ]
        grouped: dict[str, list[str]] = {}
        for name, value in params:
            grouped.setdefault(name, []).append(value)
        again = SearchFilters.model_validate(
            {k: v if k == "children_ages" else v[0] for k, v in grouped.items()}
        )
        assert again == filters
        assert SearchFilters().query_params() == []

    @pytest.mark.parametrize(
        ("params", "field", "message"),
        [
            ({"departure_city": "Moscow"}, "departure_city", "three-letter airport city code"),
            ({"adults": "0"}, "adults", "greater than or equal to 1"),
            ({"adults": "7"}, "adults", "less than or equal to 6"),
            ({"children_ages": ["18"]}, "children_ages", "less than or equal to 17"),
            ({"children_ages": ["-1"]}, "children_ages", "greater than or equal to 0"),
            ({"children_ages": ["1", "2", "3", "4", "5"]}, "children_ages", "at most 4 items"),
            ({"meal_min": "XX"}, "meal_min", "RO, BB, HB, FB, AI or UAI"),
            ({"stars_min": "6"}, "stars_min", "less than or equal to 5"),
            ({"currency": "XYZ"}, "currency", "Pick a currency among EUR, USD"),
            ({"sort": "name"}, "sort", "'price', 'stars' or 'date'"),
            ({"flex_days": "15"}, "flex_days", "less than or equal to 14"),
            ({"hotel_name": "x" * 101}, "hotel_name", "at most 100 characters"),
            ({"hotel_name": "a\x00b"}, "hotel_name", "letters, digits and spaces"),
            ({"price_min": "900", "price_max": "800"}, "price_max", "at least the minimum"),
            (
                {"date": "2026-05-01", "date_from": "2026-05-01"},
                "date",
                "one departure date or a from/to range, not both",
            ),
            (
                {"date_from": "2099-01-01", "date_to": "2100-01-02"},
                "date_to",
                "at most 365 days apart",
            ),
        ],
    )
    def test_invalid_input_is_refused_readably(self, params, field, message):
        with pytest.raises(ValidationError) as raised:
            SearchFilters.model_validate(params)
        [error] = raised.value.errors()
        assert error["loc"][0] == field
        assert message in error["msg"]

    def test_extreme_dates_do_not_overflow(self):
        filters = SearchFilters(date=date.max, flex_days=3)
        assert filters.departure_window(in_days(0)) == (date.max - timedelta(days=3), date.max)
        with pytest.raises(ValidationError, match="in the past"):
            SearchFilters(date_to=date(2000, 1, 1))
        only_end = SearchFilters(date_to=date.max)
        start, end = only_end.departure_window(in_days(0))
        assert start <= end == date.max
