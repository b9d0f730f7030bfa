"""A catalogue where the matcher split one hotel in two: the scenario of the merge tests.

"Club Duns" (SunCoast) is one canonical hotel. Samo Travel's "Club Dunes Clb 4* (Samo
Travel)" was doubtful, so it got a hotel of its own with a review against "Club Duns";
FeedLine's "CLUB DUNES CLB" then matched that second hotel confidently. Both hotels
have offers.
"""

import pytest

from models import HotelMatchReview
from models.base import utcnow
from tests.factories import (
    make_alias,
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)


@pytest.fixture
def split_hotel(session):
    country = make_country(session, "TR", "Turkey")
    side = make_resort(session, country, "Side")
    city = make_departure_city(session)
    suncoast = make_operator(session, "suncoast", "SunCoast Tours")
    samo = make_operator(session, "samotravel", "Samo Travel")
    feedline = make_operator(session, "feedline", "FeedLine Holidays")
    duns = make_hotel(session, side, "Club Duns", 4)
    dunes = make_hotel(session, side, "Club Dunes Clb", 4)
    kept = make_alias(session, suncoast, duns, "SC-1", "Club Duns 4*")
    doubtful = make_alias(session, samo, dunes, "SAMO-1", "Club Dunes Clb 4* (Samo Travel)", 82.0)
    follower = make_alias(session, feedline, dunes, "FL-9", "CLUB DUNES CLB", 97.0)
    review = HotelMatchReview(
        alias_id=doubtful.id, candidate_hotel_id=duns.id, score=82.0, created_at=utcnow()
    )
    session.add(review)
    offers = {
        "suncoast": [make_offer(session, operator=suncoast, hotel=duns, departure_city=city)],
        "samo": [
            make_offer(session, operator=samo, hotel=dunes, departure_city=city) for _ in range(2)
        ],
        "feedline": [make_offer(session, operator=feedline, hotel=dunes, departure_city=city)],
    }
    session.commit()
    return {
        "duns": duns.id,
        "dunes": dunes.id,
        "review": review.id,
        "aliases": {"suncoast": kept.id, "samo": doubtful.id, "feedline": follower.id},
        "offers": {key: [offer.id for offer in rows] for key, rows in offers.items()},
        "operators": {"suncoast": suncoast, "samo": samo, "feedline": feedline},
        "city": city,
    }
