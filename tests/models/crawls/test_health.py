"""Crawl health for admins: last runs, offer freshness, and resolving hotel match reviews."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import CrawlRun, HotelAlias, HotelMatchReview, Offer
from models.base import utcnow
from models.catalog.match_reviews import ReviewError, confirm_match, split_match
from models.crawls.health import drop_reasons, operator_health, pending_matches
from tests.factories import (
    make_alias,
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)


def make_run(session, operator, started_ago_hours, status="succeeded", **fields):
    started = utcnow() - timedelta(hours=started_ago_hours)
    run = CrawlRun(
        operator_id=operator.id,
        started_at=started,
        finished_at=started + timedelta(minutes=3),
        status=status,
        **fields,
    )
    session.add(run)
    session.flush()
    return run


@pytest.fixture
def world(session):
    """Two operators; a doubtful alias of BlueSky's given a hotel of its own."""
    country = make_country(session, "TR", "Turkey")
    antalya = make_resort(session, country, "Antalya")
    kemer = make_resort(session, country, "Kemer")
    city = make_departure_city(session)
    suncoast = make_operator(session, "suncoast", "SunCoast Tours")
    bluesky = make_operator(session, "bluesky", "BlueSky Travel")
    palace = make_hotel(session, antalya, "Antalya Palace", 5)
    doubtful = make_hotel(session, kemer, "Antalia Palas", 4)
    make_alias(session, suncoast, palace, "P1", "Antalya Palace 5*")
    alias = make_alias(session, bluesky, doubtful, "AP-77", "ANTALIA PALAS HOTEL", score=84.0)
    review = HotelMatchReview(
        alias_id=alias.id, candidate_hotel_id=palace.id, score=84.0, created_at=utcnow()
    )
    session.add(review)
    moved = [
        make_offer(session, operator=bluesky, hotel=doubtful, departure_city=city) for _ in range(3)
    ]
    kept = make_offer(session, operator=suncoast, hotel=palace, departure_city=city)
    make_offer(session, operator=suncoast, hotel=palace, departure_city=city, is_active=False)
    for hours in range(7):
        make_run(session, suncoast, hours * 6 + 1, items_scraped=100 + hours, items_stored=100)
    make_run(
        session,
        bluesky,
        0.5,
        status="failed",
        items_scraped=40,
        items_stored=0,
        items_dropped=12,
        error_message="only 40% of the 100 offers announced",
        stats={"tourscope/dropped/price_missing": 9, "tourscope/dropped/past_date": 3, "x": 1},
    )
    session.commit()
    return {
        "review": review.id,
        "alias": alias.id,
        "palace": palace,
        "doubtful": doubtful.id,
        "moved": [offer.id for offer in moved],
        "kept": kept.id,
    }


def test_drop_reasons_come_from_the_stats_keys_most_frequent_first():
    stats = {"tourscope/dropped/a": 1, "tourscope/dropped/b": 5, "item_scraped_count": 9}
    assert drop_reasons(stats) == [("b", 5), ("a", 1)]
    assert drop_reasons(None) == []


def test_each_operator_shows_its_last_five_runs_and_offer_freshness(session, world):
    health = {operator.code: operator for operator in operator_health(session)}
    assert list(health) == ["bluesky", "suncoast"]
    suncoast, bluesky = health["suncoast"], health["bluesky"]
    assert [run.items_scraped for run in suncoast.runs] == [100, 101, 102, 103, 104]
    assert suncoast.freshness.active_offers == 1
    assert suncoast.freshness.newest_seen_at.tzinfo is not None
    failed = bluesky.last_run
    assert (failed.status, failed.items_dropped) == ("failed", 12)
    assert failed.error_message == "only 40% of the 100 offers announced"
    assert failed.drop_reasons == [("price_missing", 9), ("past_date", 3)]
    assert bluesky.freshness.active_offers == 3


def test_pending_matches_show_the_alias_against_the_candidate(session, world):
    (match,) = pending_matches(session)
    assert (match.operator_name, match.alias_name, match.alias_code) == (
        "BlueSky Travel",
        "ANTALIA PALAS HOTEL",
        "AP-77",
    )
    assert (match.current.name, match.current.resort) == ("Antalia Palas", "Kemer")
    assert (match.candidate.name, match.candidate.resort, match.candidate.stars) == (
        "Antalya Palace",
        "Antalya",
        5,
    )
    assert match.offers == 3


def test_confirming_moves_the_alias_and_its_offers_to_the_candidate(session, world):
    palace = world["palace"]
    resolution = confirm_match(session, world["review"])
    session.commit()
    assert (resolution.status, resolution.offers_moved) == ("confirmed", 3)
    assert session.get(HotelAlias, world["alias"]).hotel_id == palace.id
    for offer_id in world["moved"]:
        offer = session.get(Offer, offer_id)
        session.refresh(offer)
        assert (offer.hotel_id, offer.resort_id, offer.country_id, offer.stars) == (
            palace.id,
            palace.resort_id,
            palace.resort.country_id,
            5,
        )
    review = session.get(HotelMatchReview, world["review"])
    assert review.status == "confirmed" and review.resolved_at is not None
    assert pending_matches(session) == []
    with pytest.raises(ReviewError, match="already confirmed"):
        confirm_match(session, world["review"])


def test_splitting_keeps_them_apart(session, world):
    resolution = split_match(session, world["review"])
    session.commit()
    assert resolution.status == "split"
    assert session.get(HotelAlias, world["alias"]).hotel_id == world["doubtful"]
    hotels = set(session.scalars(select(Offer.hotel_id).where(Offer.id.in_(world["moved"]))))
    assert hotels == {world["doubtful"]}
    assert session.get(HotelMatchReview, world["review"]).resolved_at is not None
    with pytest.raises(ReviewError, match="no match review number 999"):
        split_match(session, 999)
