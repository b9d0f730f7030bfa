"""The catalogue does not depend on the order in which operators arrive: each crawl's new
aliases are matched as they come, then their resorts are settled (crawler/hotel_settling.py),
and what people decided stays decided."""

from sqlalchemy import func, select

from crawler.hotel_settling import settle_resorts
from crawler.matching import HotelMatcher
from crawler.parsing.tidy_names import clean_hotel_name
from models import Hotel, HotelAlias, Offer, Operator
from models.catalog.hotel_merges import split_alias
from models.db import get_engine
from tests.conftest import truncate_all
from tests.factories import make_country, make_operator, make_resort
from tourscope.evaluation import load_real_hotels

DEMO_OPERATORS = ["suncoast", "aerotour", "samotravel", "feedline", "pricelist", "mediterra"]
REAL_HOTELS = load_real_hotels()
# The real set's hotels as operators would send them: operator N spells each hotel the
# way the set's N-th spelling does.
REAL_OPERATORS = range(max(len(hotel.names) for hotel in REAL_HOTELS))


def _hotels(session) -> set[frozenset[tuple[str, str]]]:
    """Each live hotel as the set of (operator, operator's hotel code) it holds."""
    session.expire_all()
    grouped: dict[int, set[tuple[str, str]]] = {}
    rows = session.execute(
        select(HotelAlias.hotel_id, Operator.code, HotelAlias.operator_hotel_code)
        .join(Operator, Operator.id == HotelAlias.operator_id)
        .join(Hotel, Hotel.id == HotelAlias.hotel_id)
        .where(Hotel.merged_into_id.is_(None))
    )
    for hotel_id, operator, code in rows:
        grouped.setdefault(hotel_id, set()).add((operator, code))
    session.rollback()  # end the read: the next order starts by emptying the tables
    return {frozenset(aliases) for aliases in grouped.values()}


def _differences(first: set, second: set) -> str:
    only_first = sorted(sorted(group) for group in first - second)[:5]
    only_second = sorted(sorted(group) for group in second - first)[:5]
    return f"first order only: {only_first}\nsecond order only: {only_second}"


def _real_resorts(session) -> dict[tuple[str, str], int]:
    countries = {
        code: make_country(session, code=code, name=code)
        for code in sorted({hotel.country for hotel in REAL_HOTELS})
    }
    return {
        (country, resort): make_resort(session, countries[country], name=resort).id
        for country, resort in sorted({(hotel.country, hotel.resort) for hotel in REAL_HOTELS})
    }


def _crawl_real_names(session, operators, resorts: dict[tuple[str, str], int]) -> None:
    """Each operator's spellings go through the crawl's matcher, then the crawl's resorts
    are settled, as the store pipeline does at the end of a crawl."""
    for number in operators:
        operator = make_operator(session, code=f"operator{number}", name=f"Operator {number}")
        matcher = HotelMatcher(session, operator.id)
        for hotel in REAL_HOTELS:
            if number < len(hotel.names):
                name = hotel.names[number]
                resort_id = resorts[(hotel.country, hotel.resort)]
                clean, _ = clean_hotel_name(name)
                matcher.hotel_id(hotel.id, name, clean, hotel.stars, resort_id)
        session.commit()
        settle_resorts(session, matcher.resorts_given_aliases)
        session.commit()


def test_real_names_in_two_operator_orders_give_the_same_hotels(session, db_url):
    _crawl_real_names(session, REAL_OPERATORS, _real_resorts(session))
    first = _hotels(session)
    truncate_all(get_engine(db_url))
    _crawl_real_names(session, reversed(REAL_OPERATORS), _real_resorts(session))
    second = _hotels(session)

    assert first == second, _differences(first, second)
    # And they are the real hotels: one operator never has two aliases on one hotel.
    assert len(first) <= len(REAL_HOTELS) * 1.1
    for group in first:
        operators = [operator for operator, _ in group]
        assert len(operators) == len(set(operators)), group


def test_a_split_stays_split_when_later_crawls_settle_the_resort(session):
    resorts = _real_resorts(session)
    _crawl_real_names(session, REAL_OPERATORS[:2], resorts)
    first, second = session.scalars(
        select(HotelAlias)
        .where(HotelAlias.operator_hotel_code == "rixos-premium-belek")
        .order_by(HotelAlias.id)
    ).all()
    assert first.hotel_id == second.hotel_id  # one hotel, until an admin says otherwise
    kept_apart = split_alias(session, first.id)
    session.commit()

    _crawl_real_names(session, REAL_OPERATORS[2:], resorts)

    session.expire_all()
    assert session.get(HotelAlias, first.id).hotel_id == kept_apart.id
    assert session.get(HotelAlias, second.id).hotel_id != kept_apart.id


def _crawl_one_by_one(crawl, operators: list[str]) -> None:
    for operator in operators:
        result = crawl(operator)
        assert result.returncode == 0, result.stdout + result.stderr


def test_demo_operators_crawled_in_two_orders_give_the_same_hotels(crawl, session, db_url):
    """End to end through real crawls. The demo world alone does not depend on the order
    (the real-name test above is the one that fails without settling); this one holds that
    settling in a real crawl keeps every offer on a hotel its operator has an alias on."""
    _crawl_one_by_one(crawl, DEMO_OPERATORS)
    first = _hotels(session)
    truncate_all(get_engine(db_url))
    _crawl_one_by_one(crawl, list(reversed(DEMO_OPERATORS)))
    second = _hotels(session)

    assert first == second, _differences(first, second)
    # Hotels were matched across operators, and each hotel's offers follow its aliases.
    assert max(len(group) for group in first) == len(DEMO_OPERATORS)
    misplaced = session.scalar(
        select(func.count())
        .select_from(Offer)
        .where(
            ~select(HotelAlias.id)
            .where(
                HotelAlias.hotel_id == Offer.hotel_id,
                HotelAlias.operator_id == Offer.operator_id,
            )
            .exists()
        )
    )
    assert misplaced == 0
