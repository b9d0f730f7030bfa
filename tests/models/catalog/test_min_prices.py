"""The hotels' day prices answer exactly what the offers answer, whatever changed them.

A varied catalogue (three countries, hotels of every star class, parties, availabilities,
past and future days, tied prices) lands through the crawl's own write path; then
prices change, offers sell out, a crawl stops listing some, a failed crawl is thrown
away, hotels are merged, unmerged and split, and an offer is edited through the ORM.
After each step every broad search (every page, every sort), its hotel count and its
price calendar read from the day prices must equal the same read from the offers, and
the day prices must equal a rebuild from scratch.
"""

import random
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import Country, CrawlRun, HotelDayPrice, Offer, Resort
from models.base import utcnow
from models.catalog.calendar import price_calendar
from models.catalog.generation import current_generation
from models.catalog.hotel_merges import merge_hotels, split_alias, undo_merge
from models.catalog.min_prices import parse_operator_ids, rebuild_min_prices
from models.catalog.offers import on_sale
from models.catalog.reference_lists import list_resorts
from models.catalog.search import count_hotels, list_countries, reads_day_prices, search_hotels
from models.catalog.search_filters import SearchFilters
from models.crawls.ingest import discard_staged_offers, land_staged_offers, stage_offers
from tests.factories import (
    in_days,
    make_alias,
    make_country,
    make_departure_city,
    make_hotel,
    make_operator,
    make_resort,
)

PAGE_SIZE = 3
PARTIES = [(2, 0), (2, 1), (1, 0), (3, 0), (2, 2)]
PRICES = ["480.00", "499.90", "499.90", "520.00", "610.00", "610.00", "775.50", "1200.00"]
AVAILABILITY = ["available"] * 6 + ["on_request", "stop_sale", "sold_out"]


def broad_searches() -> list[SearchFilters]:
    """Searches the day prices answer: the landing page and its neighbours."""
    searches = [
        SearchFilters(),
        SearchFilters(sort="stars"),
        SearchFilters(sort="date"),
        SearchFilters(country="TR"),
        SearchFilters(country="EG", sort="date", currency="USD"),
        SearchFilters(country="AE", stars_min=4),
        SearchFilters(stars_min=5, sort="stars"),
        SearchFilters(hotel_name="sea"),
        SearchFilters(adults=1),
        SearchFilters(children_ages=[7]),
        SearchFilters(children_ages=[7, 9, 1], currency="RUB"),
        SearchFilters(adults=3, country="TR"),
        SearchFilters(date_from=in_days(-5), date_to=in_days(4)),
        SearchFilters(date=in_days(10), flex_days=3),
        SearchFilters(date_from=in_days(1), date_to=in_days(60), sort="date"),
        SearchFilters(country="XX"),
    ]
    assert all(reads_day_prices(filters) for filters in searches)
    return searches


def assert_day_prices_answer_like_offers(session, resort_ids: list[int]) -> None:
    session.expire_all()
    for filters in broad_searches():
        fast = search_hotels(session, filters, PAGE_SIZE)
        assert fast == search_hotels(session, filters, PAGE_SIZE, from_offers=True), filters
        for page in range(2, fast.pages + 2):  # every page, and one past the last
            paged = filters.widened(page=page)
            assert search_hotels(session, paged, PAGE_SIZE) == search_hotels(
                session, paged, PAGE_SIZE, from_offers=True
            ), paged
        assert count_hotels(session, filters) == count_hotels(session, filters, from_offers=True)
        assert count_hotels(session, filters) == fast.total_hotels
        assert price_calendar(session, filters) == price_calendar(
            session, filters, from_offers=True
        ), filters
    with_resorts = SearchFilters(resorts=resort_ids[:3])
    assert search_hotels(session, with_resorts, 50) == search_hotels(
        session, with_resorts, 50, from_offers=True
    )
    # The reference lists read the day prices too.
    on_sale_now = select(Offer.country_id).where(*on_sale(), Offer.departure_date >= in_days(0))
    assert {c.code for c in list_countries(session)} == set(
        session.scalars(select(Country.code).where(Country.id.in_(on_sale_now)))
    )
    resorts_now = select(Offer.resort_id).where(*on_sale(), Offer.departure_date >= in_days(0))
    assert {r.id for r in list_resorts(session)} == set(
        session.scalars(select(Resort.id).where(Resort.id.in_(resorts_now)))
    )
    # Kept in step, the rows are what a rebuild from scratch makes.
    kept = day_price_rows(session)
    with session.begin_nested():
        rebuild_min_prices(session)
        assert day_price_rows(session) == kept
        session.rollback()


def day_price_rows(session) -> list[tuple]:
    rows = session.execute(
        select(HotelDayPrice).order_by(
            HotelDayPrice.hotel_id,
            HotelDayPrice.departure_date,
            HotelDayPrice.adults,
            HotelDayPrice.children,
        )
    ).scalars()
    return [
        (
            row.hotel_id,
            row.country_id,
            row.resort_id,
            row.stars,
            row.adults,
            row.children,
            row.departure_date,
            row.cheapest_key,
            row.offer_count,
            frozenset(parse_operator_ids(row.operator_ids)),
        )
        for row in rows
    ]


class Catalogue:
    """Three countries, two resorts each, ten hotels of every star class, three operators,
    two departure cities; each operator's offers as its last crawl listed them."""

    def __init__(self, session, rng: random.Random):
        self.session, self.rng = session, rng
        places = {"TR": ["Antalya", "Side"], "EG": ["Hurghada", "Sharm"], "AE": ["Dubai", "Ajman"]}
        self.resorts = []
        for code, names in places.items():
            country = make_country(session, code, {"TR": "Turkey", "EG": "Egypt"}.get(code, code))
            self.resorts += [make_resort(session, country, name) for name in names]
        names = ["Sea Breeze", "Palm Garden", "Blue Sea", "Desert Rose", "Coral Bay"]
        names += ["Golden Sands", "Sea Star", "Lagoon", "Royal Palace", "Olive Grove"]
        self.hotels = [
            make_hotel(session, self.resorts[n % 6], name, [2, 3, 4, 5][n % 4])
            for n, name in enumerate(names)
        ]
        self.operators = [
            make_operator(session, code, code.title()) for code in ("alpha", "bravo", "charlie")
        ]
        self.cities = [make_departure_city(session, "MOW"), make_departure_city(session, "LED")]
        session.commit()
        self.listed: dict[int, dict[str, dict]] = {op.id: {} for op in self.operators}

    def random_offer(self, operator_id: int) -> dict:
        hotel = self.rng.choice(self.hotels)
        adults, children = self.rng.choice(PARTIES)
        price = Decimal(self.rng.choice(PRICES))
        return {
            "operator_id": operator_id,
            "hotel_id": hotel.id,
            "country_id": hotel.resort.country_id,
            "resort_id": hotel.resort_id,
            "stars": hotel.stars,
            "departure_city_id": self.rng.choice(self.cities).id,
            "departure_date": in_days(self.rng.randrange(-3, 35)),
            "nights": self.rng.choice([3, 7, 10, 14]),
            "meal": self.rng.choice(["BB", "HB", "AI"]),
            "room_type": "Standard",
            "adults": adults,
            "children": children,
            "price": price,
            "surcharge": Decimal("0"),
            "currency": "EUR",
            "price_base": price,
            "availability": self.rng.choice(AVAILABILITY),
            "url": "http://operator.example/offer",
        }

    def crawl(self, operator_index: int, *, land: bool = True) -> CrawlRun:
        """Stage the operator's listed offers as a crawl would; land them or throw them away."""
        operator = self.operators[operator_index]
        run = CrawlRun(operator_id=operator.id, started_at=utcnow(), stats={})
        self.session.add(run)
        self.session.flush()
        rows = [
            {"crawl_run_id": run.id, "offer_key": key, **offer}
            for key, offer in self.listed[operator.id].items()
        ]
        stage_offers(self.session, rows)
        if land:
            land_staged_offers(self.session, operator.id, run.id, utcnow())
        else:
            discard_staged_offers(self.session, run.id)
        self.session.commit()
        return run


@pytest.fixture
def catalogue(session) -> Catalogue:
    catalogue = Catalogue(session, random.Random(12))
    for operator in catalogue.operators:
        for number in range(140):
            catalogue.listed[operator.id][f"{operator.code}-{number}"] = catalogue.random_offer(
                operator.id
            )
    for index in range(3):
        catalogue.crawl(index)
    return catalogue


def test_day_prices_answer_like_the_offers_through_every_change(session, catalogue):
    c = catalogue
    resort_ids = [resort.id for resort in c.resorts]
    assert session.scalar(select(func.count()).select_from(HotelDayPrice)) > 100
    assert_day_prices_answer_like_offers(session, resort_ids)

    # A re-crawl of alpha: new prices (one undercuts every hotel), offers sold out, offers
    # no longer listed, new offers, an offer moved to another day and party.
    generation = current_generation(session)
    alpha = c.listed[c.operators[0].id]
    keys = sorted(alpha)
    for key in keys[:30]:
        alpha[key] = {**alpha[key], "price": Decimal("450.00"), "price_base": Decimal("450.00")}
    for key in keys[30:40]:
        alpha[key] = {**alpha[key], "price": Decimal("9000.00"), "price_base": Decimal("9000.00")}
    for key in keys[40:55]:
        alpha[key] = {**alpha[key], "availability": "sold_out"}
    for key in keys[55:80]:
        del alpha[key]
    for number in range(20):
        alpha[f"alpha-new-{number}"] = c.random_offer(c.operators[0].id)
    alpha[keys[80]] = {**alpha[keys[80]], "departure_date": in_days(12), "adults": 1}
    run = c.crawl(0)
    assert run.id and current_generation(session) > generation
    deactivated = session.scalar(
        select(func.count())
        .select_from(Offer)
        .where(Offer.operator_id == c.operators[0].id, Offer.is_active.is_(False))
    )
    assert deactivated == 25
    assert_day_prices_answer_like_offers(session, resort_ids)

    # A failed crawl of bravo (every offer sold out) changes nothing at all.
    rows_before, generation = day_price_rows(session), current_generation(session)
    bravo = c.listed[c.operators[1].id]
    good_bravo = dict(bravo)
    for key in bravo:
        bravo[key] = {**bravo[key], "availability": "sold_out"}
    c.crawl(1, land=False)
    c.listed[c.operators[1].id] = good_bravo
    assert day_price_rows(session) == rows_before
    assert current_generation(session) == generation
    assert_day_prices_answer_like_offers(session, resort_ids)

    # An admin merges two hotels, in different resorts with different stars.
    survivor, merged = c.hotels[0], c.hotels[3]
    merge = merge_hotels(session, survivor.id, merged.id)
    session.commit()
    assert current_generation(session) > generation
    assert not session.scalar(
        select(func.count()).select_from(HotelDayPrice).where(HotelDayPrice.hotel_id == merged.id)
    )
    assert_day_prices_answer_like_offers(session, resort_ids)
    undo_merge(session, merge.id)
    session.commit()
    assert_day_prices_answer_like_offers(session, resort_ids)

    # An admin splits one operator's hotel off into a hotel of its own.
    hotel = c.hotels[1]
    make_alias(session, c.operators[0], hotel, "A-1", hotel.name)
    charlie = make_alias(session, c.operators[2], hotel, "C-1", hotel.name + " Resort")
    session.commit()
    own = split_alias(session, charlie.id)
    session.commit()
    assert session.scalar(
        select(func.count()).select_from(HotelDayPrice).where(HotelDayPrice.hotel_id == own.id)
    )
    assert_day_prices_answer_like_offers(session, resort_ids)

    # An offer edited one by one through the ORM: refreshed when the session flushes.
    cheapest = session.scalars(
        select(Offer)
        .where(
            *on_sale(),
            Offer.adults == 2,
            Offer.children == 0,
            Offer.departure_date.between(in_days(1), in_days(30)),
        )
        .order_by(Offer.price_base, Offer.id)
    ).first()
    cheapest.price_base = Decimal("99.00")
    session.flush()
    assert search_hotels(session, SearchFilters(), PAGE_SIZE).hotels[0].offer_id == cheapest.id
    cheapest.availability = "stop_sale"
    session.commit()
    assert_day_prices_answer_like_offers(session, resort_ids)


def test_a_crawl_refreshes_the_hotels_it_left_too(session, catalogue):
    """An operator that stops selling a hotel altogether: its days there lose its offers."""
    c = catalogue
    charlie = c.operators[2]
    left = {offer["hotel_id"] for offer in c.listed[charlie.id].values()}
    gone_hotel = sorted(left)[0]
    c.listed[charlie.id] = {
        key: offer for key, offer in c.listed[charlie.id].items() if offer["hotel_id"] != gone_hotel
    }
    c.crawl(2)
    listed = session.scalars(
        select(HotelDayPrice.operator_ids).where(HotelDayPrice.hotel_id == gone_hotel)
    )
    assert all(charlie.id not in parse_operator_ids(ids) for ids in listed)
    assert_day_prices_answer_like_offers(session, [resort.id for resort in c.resorts])
