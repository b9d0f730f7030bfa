"""Schemathesis: generated requests to every API operation, checked against the OpenAPI schema.

The app runs in-process (ASGI) on a database with a small catalogue in it. Each operation
gets a bounded number of derandomized examples, so the run is quick and repeatable; no
input may give a server error or a response the schema does not describe.
"""

from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy.orm import Session

from models import PriceChange
from models.base import utcnow
from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)
from webapp.main import create_app


def fill_catalogue(session: Session) -> None:
    """Hotels in two countries at two operators, with price drops, on request offers..."""
    today = date.today()
    turkey = make_country(session, "TR", "Turkey")
    egypt = make_country(session, "EG", "Egypt")
    operators = [
        make_operator(session, "suncoast", "SunCoast Tours"),
        make_operator(session, "bluesky", "BlueSky Travel"),
    ]
    cities = [
        make_departure_city(session, "MOW", "Moscow"),
        make_departure_city(session, "BER", "Berlin"),
    ]
    hotels = [
        make_hotel(session, make_resort(session, turkey, "Antalya"), "Antalya Palace", 5),
        make_hotel(session, make_resort(session, turkey, "Side"), "Side Garden", 4),
        make_hotel(session, make_resort(session, egypt, "Hurghada"), "Hurghada Reef", 3),
    ]
    for number in range(24):
        offer = make_offer(
            session,
            operator=operators[number % 2],
            hotel=hotels[number % 3],
            departure_city=cities[number % 2],
            departure_date=today + timedelta(days=1 + number),
            nights=7 + number % 7,
            meal=["BB", "HB", "AI"][number % 3],
            price=f"{800 + 37 * number}.00",
            children=number % 4 // 3,
            currency="EUR",
        )
        offer.availability = "on_request" if number % 5 == 0 else "available"
        if number % 4 == 0:
            session.add(
                PriceChange(
                    offer_id=offer.id,
                    changed_at=utcnow(),
                    old_price=offer.price + 100,
                    new_price=offer.price,
                    currency="EUR",
                    old_price_base=offer.price_base + 100,
                    new_price_base=offer.price_base,
                )
            )
    session.commit()


@pytest.fixture
def catalogue(db_url, session) -> None:
    """The catalogue in the test database, which the app (configured per request) reads."""
    fill_catalogue(session)


# Loaded when the module is collected: building the app and its schema needs no database.
# (schemathesis.pytest.from_fixture would be the lazy way, but it does not run on pytest 9.)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())


@schema.parametrize()
@settings(
    max_examples=50,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_schema(case, catalogue):
    # Every check but one: "schema-valid data is accepted" cannot hold for rules across
    # fields (a date or a range, not both; min <= max) or with the clock (no range in the
    # past), which OpenAPI cannot express: each is in the parameter's description, and
    # answered with a readable 422. A blank filter is accepted, and the schema says so
    # (webapp/openapi.py): no failure is filtered out.
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])


@pytest.mark.parametrize(
    "query",
    [
        {"date_to": "0"},  # pydantic alone would read a number as a Unix timestamp
        {"operators": "\x00"},  # PostgreSQL refuses NUL bytes in text: must be a 422, not 500
    ],
)
def test_findings_stay_fixed(client, catalogue, query):
    assert client.get("/api/hotels/1", params=query).status_code == 422


@pytest.mark.parametrize(
    "path", ["/api/search?stars_min=3&stars_min=5", "/api/hotels/1?adults=2&adults=3"]
)
def test_a_repeated_scalar_parameter_is_refused_with_its_name(client, catalogue, path):
    response = client.get(path)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][1] in {"stars_min", "adults"}


def test_list_parameters_still_repeat(client, catalogue):
    response = client.get("/api/search?operators=suncoast&operators=bluesky")
    assert response.status_code == 200
