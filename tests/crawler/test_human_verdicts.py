"""An admin's verdicts on hotel identity stand over later crawls; a crawl names the hotels
it linked new aliases to by their cleanest spelling."""

from sqlalchemy import func, select

from crawler.matching import HotelMatcher
from models import Hotel, HotelAlias, HotelMatchReview
from models.catalog.display_names import display_name
from models.catalog.match_reviews import confirm_match, split_match
from tests.models.hotel_world import split_hotel  # noqa: F401 (a fixture)


def reviews(session) -> int:
    return session.scalar(select(func.count()).select_from(HotelMatchReview))


def test_a_later_crawl_keeps_a_split_and_proposes_it_no_more(session, split_hotel):  # noqa: F811
    w = split_hotel
    split_match(session, w["review"])
    session.commit()
    matcher = HotelMatcher(session, w["operators"]["samo"].id)
    hotel_id = matcher.hotel_id(
        "SAMO-1",
        "Club Dunes Clb 4* (Samo Travel)",
        "Club Dunes Clb",
        4,
        session.get(Hotel, w["dunes"]).resort_id,
    )
    session.commit()
    assert hotel_id == w["dunes"] and reviews(session) == 1


def test_a_later_crawl_keeps_a_confirmed_merge(session, split_hotel):  # noqa: F811
    w = split_hotel
    confirm_match(session, w["review"])
    session.commit()
    resort_id = session.get(Hotel, w["duns"]).resort_id
    for operator, code, name in (("feedline", "FL-9", "CLUB DUNES CLB"), ("samo", "SAMO-1", "x")):
        matcher = HotelMatcher(session, w["operators"][operator].id)
        assert matcher.hotel_id(code, name, name, 4, resort_id) == w["duns"]
    assert reviews(session) == 1


def test_a_crawl_gives_its_hotels_their_cleanest_spelling(session, crawl):
    result = crawl("suncoast", "samotravel")
    assert result.returncode == 0, result.stdout + result.stderr
    spellings: dict[int, list[str]] = {}
    for hotel_id, name in session.execute(
        select(HotelAlias.hotel_id, HotelAlias.operator_hotel_name)
    ):
        spellings.setdefault(hotel_id, []).append(name)
    # Live hotels: one settling emptied points at the hotel that took its aliases.
    hotels = session.scalars(select(Hotel).where(Hotel.merged_into_id.is_(None))).all()
    assert hotels
    for hotel in hotels:
        assert hotel.name == display_name(spellings[hotel.id]), spellings[hotel.id]
