"""Web app fixtures: an app on the clean test database, and a small catalogue of offers."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from models.agency_time import agency_today
from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)
from tests.webapp.pages import ENGLISH
from webapp.main import create_app


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    """The app, created after `db_url` made the test database the configured one; an
    English-speaking browser."""
    with TestClient(create_app(), headers=ENGLISH) as client:
        yield client


@pytest.fixture
def russian_client(db_url: str) -> Iterator[TestClient]:
    """The app as a visitor whose browser states no language sees it: the default, Russian."""
    with TestClient(create_app()) as client:
        yield client


@pytest.fixture
def offers(session: Session) -> None:
    """Two hotels in Turkey and one in Egypt, offered by two operators (committed)."""
    turkey = make_country(session, "TR", "Turkey")
    egypt = make_country(session, "EG", "Egypt")
    suncoast = make_operator(session, "suncoast", "SunCoast Tours")
    bluesky = make_operator(session, "bluesky", "BlueSky Travel")
    city = make_departure_city(session)
    palace = make_hotel(session, make_resort(session, turkey, "Antalya"), "Antalya Palace", 5)
    garden = make_hotel(session, make_resort(session, turkey, "Side"), "Side Garden", 4)
    reef = make_hotel(session, make_resort(session, egypt, "Hurghada"), "Hurghada Reef", 3)
    departure = agency_today() + timedelta(days=30)
    for operator, hotel, price, nights in [
        (suncoast, palace, "1234.00", 7),
        (bluesky, palace, "1500.00", 7),
        (bluesky, garden, "980.50", 10),
        (suncoast, reef, "2100.00", 14),
    ]:
        make_offer(
            session,
            operator=operator,
            hotel=hotel,
            departure_city=city,
            departure_date=departure,
            nights=nights,
            price=price,
            meal="AI",
            room_type="Deluxe Sea View",
        )
    session.commit()
