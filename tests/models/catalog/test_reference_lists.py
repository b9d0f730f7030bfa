"""Reference lists: resorts, departure cities and operators with tours on sale."""

from datetime import timedelta

from models.agency_time import agency_today
from models.catalog.reference_lists import list_departure_cities, list_operators, list_resorts
from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)


def test_lists_hold_only_places_with_tours_on_sale(session):
    turkey = make_country(session, "TR", "Turkey")
    egypt = make_country(session, "EG", "Egypt")
    side = make_resort(session, turkey, "Side")
    antalya = make_resort(session, turkey, "Antalya")
    make_resort(session, turkey, "Bodrum")  # no offers
    hurghada = make_resort(session, egypt, "Hurghada")
    kemer = make_resort(session, turkey, "Kemer")  # only past and inactive offers
    moscow = make_departure_city(session, "MOW", "Moscow")
    berlin = make_departure_city(session, "BER", "Berlin")
    make_departure_city(session, "PAR", "Paris")  # no offers
    operator = make_operator(session)
    for resort, city in [(side, moscow), (antalya, berlin), (hurghada, moscow)]:
        make_offer(
            session, operator=operator, hotel=make_hotel(session, resort), departure_city=city
        )
    old = make_hotel(session, kemer)
    past = agency_today() - timedelta(days=1)
    make_offer(session, operator=operator, hotel=old, departure_city=moscow, departure_date=past)
    make_offer(session, operator=operator, hotel=old, departure_city=moscow, is_active=False)

    assert [(r.name, r.country_code) for r in list_resorts(session, "tr")] == [
        ("Antalya", "TR"),
        ("Side", "TR"),
    ]
    assert [r.name for r in list_resorts(session)] == ["Antalya", "Hurghada", "Side"]
    assert list_resorts(session, "ZZ") == []
    assert [(c.code, c.name) for c in list_departure_cities(session)] == [
        ("BER", "Berlin"),
        ("MOW", "Moscow"),
    ]


def test_operators_are_the_enabled_ones_by_name(session):
    make_operator(session, "suncoast", "SunCoast Tours")
    make_operator(session, "aerotour", "AeroTour")
    make_operator(session, "gone", "Gone Travel").enabled = False
    session.flush()

    assert [(o.code, o.name, o.website) for o in list_operators(session)] == [
        ("aerotour", "AeroTour", "http://aerotour.example"),
        ("suncoast", "SunCoast Tours", "http://suncoast.example"),
    ]
