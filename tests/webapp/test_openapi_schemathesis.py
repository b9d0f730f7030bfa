"""Schemathesis: generated requests to every API operation, checked against the OpenAPI schema.

The app runs in-process (ASGI) on a database with a small catalogue in it. Each operation
gets a bounded number of derandomized examples, so the run is quick and repeatable; every
check runs: no input may give a server error or a response the schema does not describe,
and every request the schema calls valid must be accepted.
"""

from datetime import date, timedelta
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy.orm import Session

from models import PriceChange
from models.agency_time import agency_today
from models.base import utcnow
from models.catalog.search_filters import MAX_RANGE_DAYS
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
    today = agency_today()
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


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_date(value: Any) -> date | None:
    try:
        return None if _blank(value) else date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _as_number(value: Any) -> float | None:
    try:
        return None if _blank(value) else float(value)
    except (TypeError, ValueError):
        return None


def keep_rules_across_fields(context, case: schemathesis.Case) -> schemathesis.Case:
    """Bring a generated query within the rules OpenAPI cannot express.

    They join fields (a date or a range, not both; min <= max; a range of at most a year)
    or read the clock (a range that ended is refused): each is in its parameter's
    description and answered with a readable 422, which tests/webapp/test_api_errors.py
    checks. Here they keep the generated "valid" requests valid, so the check that every
    schema-valid request is accepted runs on all the rest.
    """
    if not isinstance(case.query, dict) or not case.query:
        return case
    query = case.query = dict(case.query)
    today = agency_today()
    date_from, date_to = _as_date(query.get("date_from")), _as_date(query.get("date_to"))
    if not _blank(query.get("date")) and (date_from or date_to):
        query.pop("date")
    if date_to is not None:
        start = max(date_from or today, today)
        if date_to < start or (date_to - start).days >= MAX_RANGE_DAYS:
            query["date_to"] = (start + timedelta(days=7)).isoformat()
    for low, high in (("nights_min", "nights_max"), ("price_min", "price_max")):
        low_value, high_value = _as_number(query.get(low)), _as_number(query.get(high))
        if low_value is not None and high_value is not None and low_value > high_value:
            query.pop(high)
    return case


@schema.hooks.apply(keep_rules_across_fields, name="map_case")
@schema.parametrize()
@settings(
    max_examples=50,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_schema(case, catalogue):
    # A blank filter is accepted, and the schema says so (webapp/openapi.py); the rules
    # across fields are kept by the hook above. No check is left out, no failure filtered.
    case.call_and_validate()


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
