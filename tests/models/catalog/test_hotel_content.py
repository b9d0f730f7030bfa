"""A canonical hotel's content merged from its operators: the rules, what a partial answer
keeps, and how merges and split-offs carry content along."""

from sqlalchemy import select

from models import Hotel, OperatorHotelContent
from models.base import utcnow
from models.catalog.hotel_content import (
    MAX_PHOTOS,
    OperatorContent,
    merge_content,
    refresh_hotel_content,
    save_operator_content,
)
from models.catalog.hotel_merges import merge_hotels, split_alias, undo_merge
from tests.factories import (
    give_content,
    make_alias,
    make_country,
    make_hotel,
    make_operator,
    make_resort,
)

# Three operators' points for one hotel in Kemer: two within 200 m, one 30 km off.
NEAR = (36.6012, 30.5601)
NEAR_TOO = (36.6021, 30.5589)
FAR = (36.8841, 30.7056)


def content(operator_id, **fields):
    return OperatorContent(operator_id=operator_id, **fields)


# -- the rules -------------------------------------------------------------------------


def test_two_operators_disagreeing_on_the_location_the_one_known_longest_wins():
    merged = merge_content(
        [
            content(1, latitude=FAR[0], longitude=FAR[1]),
            content(2, latitude=NEAR[0], longitude=NEAR[1]),
        ]
    )
    assert (merged.latitude, merged.longitude) == FAR
    assert merged.sources["location"] == [1]


def test_on_a_tie_the_place_nearer_the_resorts_other_hotels_wins():
    swapped = content(1, latitude=NEAR[1], longitude=NEAR[0])  # latitude and longitude swapped
    right = content(2, latitude=NEAR[0], longitude=NEAR[1])
    merged = merge_content([swapped, right], neighbours=NEAR_TOO)
    assert (merged.latitude, merged.longitude, merged.sources["location"]) == (*NEAR, [2])


def test_most_operators_agreeing_place_the_hotel_at_their_median():
    merged = merge_content(
        [
            content(1, latitude=FAR[0], longitude=FAR[1]),
            content(2, latitude=NEAR[0], longitude=NEAR[1]),
            content(3, latitude=NEAR_TOO[0], longitude=NEAR_TOO[1]),
        ]
    )
    assert (merged.latitude, merged.longitude) == (36.60165, 30.5595)
    assert merged.sources["location"] == [2, 3]


def test_zero_zero_and_impossible_coordinates_are_ignored():
    merged = merge_content(
        [
            content(1, latitude=0.0, longitude=0.0),
            content(2, latitude=98.4, longitude=7.9),
            content(3, latitude=NEAR[0], longitude=NEAR[1]),
        ]
    )
    assert (merged.latitude, merged.longitude) == NEAR
    assert merge_content([content(1, latitude=0.0, longitude=0.0)]).latitude is None


def test_one_operator_without_a_description_the_others_is_shown():
    merged = merge_content(
        [content(1, latitude=NEAR[0], longitude=NEAR[1]), content(2, description="Calm.")]
    )
    assert (merged.description, merged.sources["description"]) == ("Calm.", 2)


def test_an_english_description_comes_before_a_longer_russian_one_then_the_longest():
    russian = "Отель на первой линии с собственным пляжем, аквапарком и тремя ресторанами."
    merged = merge_content(
        [
            content(1, description=russian),
            content(2, description="A beach hotel."),
            content(3, description="A beach hotel with a water park."),
        ]
    )
    assert (merged.description, merged.sources["description"]) == (
        "A beach hotel with a water park.",
        3,
    )
    assert merge_content([content(1, description=russian)]).description == russian


def test_photos_are_every_operators_in_turns_each_once_with_its_operator_and_capped():
    first = tuple(f"https://a.example/{n}.jpg" for n in range(10))
    second = ("https://B.example/1.jpg", "https://a.example/0.jpg", "https://b.example/2.jpg")
    merged = merge_content([content(1, photos=first), content(2, photos=second)])
    assert merged.photos[:4] == [
        {"url": "https://a.example/0.jpg", "operator_id": 1},
        {"url": "https://B.example/1.jpg", "operator_id": 2},
        {"url": "https://a.example/1.jpg", "operator_id": 1},
        {"url": "https://a.example/2.jpg", "operator_id": 1},  # a.example/0 was seen already
    ]
    assert len(merged.photos) == MAX_PHOTOS
    assert len({photo["url"].lower() for photo in merged.photos}) == MAX_PHOTOS


def test_the_address_and_phone_most_operators_give_win_written_in_natural_case():
    merged = merge_content(
        [
            content(1, address="Sahil Yolu 5, Kemer", phone="+90 242 111 2233"),
            content(2, address="12 BEACH ROAD, KEMER, TURKEY", phone="+90 (242) 555-0123"),
            content(3, address="12 Beach Road, Kemer, Turkey", phone="0090 242 555 0123"),
        ]
    )
    assert merged.address == "12 Beach Road, Kemer, Turkey"
    assert merged.sources["address"] == [2, 3]
    assert merged.phone == "+90 (242) 555-0123" and merged.sources["phone"] == [2, 3]


def test_a_hotel_nobody_described_has_no_content():
    merged = merge_content([])
    assert (merged.description, merged.photos, merged.latitude, merged.address) == (
        None,
        [],
        None,
        None,
    )


# -- stored and merged -------------------------------------------------------------------


def kemer_hotel(session):
    kemer = make_resort(session, make_country(session, "TR", "Turkey"), "Kemer")
    suncoast = make_operator(session, "suncoast", "SunCoast Tours")
    tourvisor = make_operator(session, "tourvisor", "Tourvisor")
    hotel = make_hotel(session, kemer, "Club Dunes", 4)
    return (
        hotel,
        make_alias(session, suncoast, hotel, "SC-1", "Club Dunes 4*"),
        make_alias(session, tourvisor, hotel, "1188", "CLUB DUNES"),
    )


def test_an_answer_without_a_field_keeps_what_the_operator_said_before(session):
    hotel, suncoast, _ = kemer_hotel(session)
    give_content(
        session,
        suncoast,
        description="A quiet club hotel.",
        photos=["https://sc.example/1.jpg"],
        latitude=NEAR[0],
        longitude=NEAR[1],
    )
    session.commit()
    # A later crawl reads only the photos (the page lost its text and map for a day).
    give_content(session, suncoast, photos=["https://sc.example/2.jpg"])
    session.commit()
    session.refresh(hotel)
    assert hotel.description == "A quiet club hotel."
    assert (hotel.latitude, hotel.longitude) == NEAR
    assert [photo["url"] for photo in hotel.photos] == ["https://sc.example/2.jpg"]
    # An answer with nothing at all changes nothing but when it was checked.
    stored = session.scalars(select(OperatorHotelContent)).one()
    changed_at = stored.changed_at
    assert not save_operator_content(session, suncoast.operator_id, "SC-1", {}, utcnow())
    assert stored.changed_at == changed_at and stored.checked_at > changed_at


def test_a_swapped_point_loses_to_one_near_the_resorts_other_hotels(session):
    hotel, suncoast, tourvisor = kemer_hotel(session)
    neighbour = make_hotel(session, hotel.resort, "Kemer Garden", 4)
    agency = make_operator(session, "agency", "Agency")
    give_content(
        session,
        make_alias(session, agency, neighbour, "KG", "Kemer Garden"),
        latitude=NEAR_TOO[0],
        longitude=NEAR_TOO[1],
    )
    give_content(session, suncoast, latitude=NEAR[1], longitude=NEAR[0])  # swapped
    give_content(session, tourvisor, latitude=NEAR[0], longitude=NEAR[1])
    assert (hotel.latitude, hotel.longitude) == NEAR


def test_content_read_before_the_hotels_first_offer_counts_once_the_alias_exists(session):
    hotel, suncoast, _ = kemer_hotel(session)
    save_operator_content(
        session, suncoast.operator_id, "SC-NEW", {"description": "Newly built."}, utcnow()
    )
    other = make_hotel(session, hotel.resort, "Sea Pearl", 5)
    make_alias(session, suncoast.operator, other, "SC-NEW", "Sea Pearl 5*")
    refresh_hotel_content(session, [other.id])
    assert other.description == "Newly built."


def test_merging_two_hotels_gives_the_survivor_both_operators_content_and_undo_restores(
    session,
):
    kemer = make_resort(session, make_country(session, "TR", "Turkey"), "Kemer")
    suncoast = make_operator(session, "suncoast", "SunCoast Tours")
    tourvisor = make_operator(session, "tourvisor", "Tourvisor")
    duns = make_hotel(session, kemer, "Club Duns", 4)
    dunes = make_hotel(session, kemer, "Club Dunes Clb", 4)
    give_content(
        session,
        make_alias(session, suncoast, duns, "SC-1", "Club Duns 4*"),
        description="A quiet club hotel.",
        photos=["https://sc.example/1.jpg"],
    )
    give_content(
        session,
        make_alias(session, tourvisor, dunes, "1188", "CLUB DUNES CLB"),
        description="Тихий клубный отель у моря с собственным пляжем.",
        photos=["https://tv.example/1.jpg", "https://tv.example/2.jpg"],
        latitude=NEAR[0],
        longitude=NEAR[1],
    )
    session.commit()

    merge = merge_hotels(session, duns.id, dunes.id)
    session.commit()
    survivor, emptied = session.get(Hotel, duns.id), session.get(Hotel, dunes.id)
    assert survivor.description == "A quiet club hotel."  # English first
    assert [(p["url"], p["operator_id"]) for p in survivor.photos] == [
        ("https://sc.example/1.jpg", suncoast.id),
        ("https://tv.example/1.jpg", tourvisor.id),
        ("https://tv.example/2.jpg", tourvisor.id),
    ]
    assert (survivor.latitude, survivor.longitude) == NEAR
    assert (emptied.description, emptied.photos, emptied.latitude) == (None, [], None)

    undo_merge(session, merge.id)
    session.commit()
    survivor, restored = session.get(Hotel, duns.id), session.get(Hotel, dunes.id)
    assert [p["url"] for p in survivor.photos] == ["https://sc.example/1.jpg"]
    assert survivor.latitude is None
    assert restored.description.startswith("Тихий") and restored.latitude == NEAR[0]


def test_an_operators_hotel_split_off_takes_its_content_with_it(session):
    hotel, suncoast, tourvisor = kemer_hotel(session)
    give_content(
        session, suncoast, description="A quiet club hotel.", latitude=NEAR[0], longitude=NEAR[1]
    )
    give_content(
        session,
        tourvisor,
        description="Городской отель в центре.",
        photos=["https://tv.example/1.jpg"],
        latitude=FAR[0],
        longitude=FAR[1],
    )
    session.commit()
    assert len(hotel.photos) == 1

    own = split_alias(session, tourvisor.id)
    session.commit()
    kept, split_off = session.get(Hotel, hotel.id), session.get(Hotel, own.id)
    assert (kept.description, kept.photos, kept.latitude) == ("A quiet club hotel.", [], NEAR[0])
    assert split_off.description == "Городской отель в центре."
    assert (split_off.latitude, split_off.longitude) == FAR
    assert [p["url"] for p in split_off.photos] == ["https://tv.example/1.jpg"]
