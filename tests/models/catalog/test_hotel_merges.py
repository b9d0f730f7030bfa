"""Merging canonical hotels whole, undoing a merge, splitting an alias off, and the
verdicts a later crawl must respect."""

import pytest
from sqlalchemy import select

from models import Hotel, HotelAlias, HotelMatchReview, HotelMerge, Offer, StagedOffer
from models.base import utcnow
from models.care.trips import Trip
from models.catalog.hotel_merges import (
    HotelIdentityError,
    follow_merges,
    live_hotel_id,
    merge_hotels,
    rename_hotel,
    split_alias,
    undo_merge,
)
from models.catalog.match_reviews import confirm_match, split_match, split_pairs
from tests.factories import make_alias, make_client, make_hotel, make_offer, make_resort, make_trip
from tests.models.hotel_world import split_hotel  # noqa: F401 (a fixture)


def hotels_of(session, model, ids):
    session.expire_all()
    return {session.get(model, row_id).hotel_id for row_id in ids}


def all_offer_ids(world):
    return [offer_id for ids in world["offers"].values() for offer_id in ids]


def test_confirming_merges_every_alias_offer_and_trip_of_the_doubtful_hotel(session, split_hotel):  # noqa: F811
    w = split_hotel
    trip = make_trip(session, make_client(session), hotel_id=w["dunes"])
    session.commit()
    resolution = confirm_match(session, w["review"])
    session.commit()
    assert (resolution.status, resolution.offers_moved) == ("confirmed", 3)
    assert hotels_of(session, HotelAlias, w["aliases"].values()) == {w["duns"]}
    assert hotels_of(session, Offer, all_offer_ids(w)) == {w["duns"]}
    assert session.get(Trip, trip.id).hotel_id == w["duns"]
    emptied = session.get(Hotel, w["dunes"])
    assert emptied.merged_into_id == w["duns"] and live_hotel_id(session, w["dunes"]) == w["duns"]
    merge = session.scalars(select(HotelMerge)).one()
    assert (merge.surviving_hotel_id, merge.merged_hotel_id, merge.review_id) == (
        w["duns"],
        w["dunes"],
        w["review"],
    )
    assert sorted(merge.alias_ids) == sorted([w["aliases"]["samo"], w["aliases"]["feedline"]])
    # The survivor's name is the cleanest spelling of all its operators'.
    assert session.get(Hotel, w["duns"]).name == "Club Duns"


def test_merged_offers_take_the_survivors_place_and_stars(session, split_hotel):  # noqa: F811
    w = split_hotel
    survivor = session.get(Hotel, w["duns"])
    survivor.resort = make_resort(session, survivor.resort.country, "Belek")
    survivor.stars = 5
    session.commit()
    merge_hotels(session, w["duns"], w["dunes"])
    session.commit()
    for offer_id in w["offers"]["feedline"]:
        offer = session.get(Offer, offer_id)
        assert (offer.resort_id, offer.country_id, offer.stars) == (
            survivor.resort_id,
            survivor.resort.country_id,
            5,
        )


def test_pending_reviews_of_the_merged_hotel_follow_it_or_close(session, split_hotel):  # noqa: F811
    w = split_hotel
    other = make_hotel(session, session.get(Hotel, w["duns"]).resort, "Dune Garden", 4)
    stranger = make_alias(session, w["operators"]["suncoast"], other, "SC-7", "Dune Gardens")
    # Another alias was doubtful against the hotel that will be merged away...
    retargeted = HotelMatchReview(
        alias_id=stranger.id, candidate_hotel_id=w["dunes"], score=77.0, created_at=utcnow()
    )
    # ...and the FeedLine alias against the survivor: after the merge, nothing to decide.
    moot = HotelMatchReview(
        alias_id=w["aliases"]["feedline"],
        candidate_hotel_id=w["duns"],
        score=80.0,
        created_at=utcnow(),
    )
    session.add_all([retargeted, moot])
    session.commit()
    confirm_match(session, w["review"])
    session.commit()
    session.expire_all()
    retargeted, moot = (
        session.get(HotelMatchReview, retargeted.id),
        session.get(HotelMatchReview, moot.id),
    )
    assert (retargeted.status, retargeted.candidate_hotel_id) == ("pending", w["duns"])
    assert moot.status == "confirmed" and moot.resolved_at is not None


def test_undo_moves_aliases_offers_and_trips_back_and_keeps_the_verdict(session, split_hotel):  # noqa: F811
    w = split_hotel
    trip = make_trip(session, make_client(session), hotel_id=w["dunes"])
    session.commit()
    confirm_match(session, w["review"])
    # A crawl after the merge brought FeedLine a new offer, filed under the survivor.
    survivor = session.get(Hotel, w["duns"])
    late = make_offer(
        session, operator=w["operators"]["feedline"], hotel=survivor, departure_city=w["city"]
    )
    session.commit()
    merge = session.scalars(select(HotelMerge)).one()
    undo_merge(session, merge.id)
    session.commit()
    moved = [w["aliases"]["samo"], w["aliases"]["feedline"]]
    assert hotels_of(session, HotelAlias, moved) == {w["dunes"]}
    assert hotels_of(session, HotelAlias, [w["aliases"]["suncoast"]]) == {w["duns"]}
    assert hotels_of(session, Offer, [*w["offers"]["samo"], *w["offers"]["feedline"]]) == {
        w["dunes"]
    }
    assert hotels_of(session, Offer, [late.id]) == {w["dunes"]}
    assert hotels_of(session, Offer, w["offers"]["suncoast"]) == {w["duns"]}
    assert session.get(Trip, trip.id).hotel_id == w["dunes"]
    assert session.get(Hotel, w["dunes"]).merged_into_id is None
    assert session.get(HotelMatchReview, w["review"]).status == "split"
    assert session.get(HotelMerge, merge.id).undone_at is not None
    with pytest.raises(HotelIdentityError, match="already undone"):
        undo_merge(session, merge.id)


def test_a_merge_whose_survivor_was_merged_again_is_undone_last_first(session, split_hotel):  # noqa: F811
    w = split_hotel
    third = make_hotel(session, session.get(Hotel, w["duns"]).resort, "Club Dunes Royal", 4)
    session.commit()
    first = merge_hotels(session, w["duns"], w["dunes"])
    second = merge_hotels(session, third.id, w["duns"])
    session.commit()
    assert live_hotel_id(session, w["dunes"]) == third.id  # a chain of merges is followed
    with pytest.raises(HotelIdentityError, match="undo that merge first"):
        undo_merge(session, first.id)
    session.rollback()
    undo_merge(session, second.id)
    undo_merge(session, first.id)
    session.commit()
    assert hotels_of(session, HotelAlias, [w["aliases"]["feedline"]]) == {w["dunes"]}


def test_merges_refused(session, split_hotel):  # noqa: F811
    w = split_hotel
    with pytest.raises(HotelIdentityError, match="into itself"):
        merge_hotels(session, w["duns"], w["duns"])
    with pytest.raises(HotelIdentityError, match="no hotel number 999"):
        merge_hotels(session, w["duns"], 999)
    merge_hotels(session, w["duns"], w["dunes"])
    with pytest.raises(HotelIdentityError, match="already merged"):
        merge_hotels(session, w["duns"], w["dunes"])
    assert live_hotel_id(session, 999) is None


def test_splitting_an_alias_off_gives_it_a_hotel_and_its_offers(session, split_hotel):  # noqa: F811
    w = split_hotel
    own = split_alias(session, w["aliases"]["feedline"])
    session.commit()
    assert own.id not in (w["duns"], w["dunes"]) and own.name == "Club Dunes Clb"
    assert hotels_of(session, HotelAlias, [w["aliases"]["feedline"]]) == {own.id}
    assert hotels_of(session, Offer, w["offers"]["feedline"]) == {own.id}
    assert hotels_of(session, Offer, w["offers"]["samo"]) == {w["dunes"]}
    feedline = w["operators"]["feedline"]
    assert (feedline.id, "FL-9", w["dunes"]) in split_pairs(session)
    with pytest.raises(HotelIdentityError, match="already has a hotel of its own"):
        split_alias(session, w["aliases"]["feedline"])


def test_a_split_review_is_a_lasting_split_pair(session, split_hotel):  # noqa: F811
    w = split_hotel
    assert split_pairs(session) == set()
    split_match(session, w["review"])
    session.commit()
    samo = w["operators"]["samo"]
    assert split_pairs(session) == {(samo.id, "SAMO-1", w["duns"])}


def test_an_admins_name_is_kept(session, split_hotel):  # noqa: F811
    w = split_hotel
    rename_hotel(session, w["duns"], "Club Dunes Side")
    confirm_match(session, w["review"])
    session.commit()
    hotel = session.get(Hotel, w["duns"])
    assert (hotel.name, hotel.name_set_by_admin) == ("Club Dunes Side", True)


def test_a_crawl_that_began_before_a_merge_files_its_offers_under_the_survivor(
    session,
    split_hotel,  # noqa: F811
):
    w = split_hotel
    offer = session.get(Offer, w["offers"]["feedline"][0])
    staged = StagedOffer(
        **{
            column: getattr(offer, column)
            for column in StagedOffer.__table__.columns.keys()  # noqa: SIM118 (names, not columns)
            if column not in ("id", "crawl_run_id", "children")
        },
        crawl_run_id=7,
        children=0,
    )
    session.add(staged)
    merge_hotels(session, w["duns"], w["dunes"])
    # The running crawl's matcher still linked a new alias to the emptied hotel.
    late_alias = make_alias(
        session, w["operators"]["feedline"], session.get(Hotel, w["dunes"]), "FL-10", "Club Dunes"
    )
    session.commit()
    assert follow_merges(session, 7) == 1
    session.commit()
    assert hotels_of(session, StagedOffer, [staged.id]) == {w["duns"]}
    assert hotels_of(session, HotelAlias, [late_alias.id]) == {w["duns"]}
