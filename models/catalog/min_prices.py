"""Each hotel's cheapest price per departure day and party (`hotel_day_prices`), kept in
step with the offers.

Every change to offers that a visitor could see goes through here in its own
transaction. Code that changes offers with bulk statements (the crawl's landing,
models/crawls/ingest.py `land_staged_offers`; hotel merges, undos and split-offs,
models/catalog/hotel_merges.py; anything else that moves offers between hotels) calls
`refresh_min_prices(session, hotel_ids)` with the hotels whose offers it changed, before
it commits. Offers added, changed or deleted one by one through the ORM are refreshed
when the session flushes them (`_refresh_flushed_offers`). A refresh rebuilds the hotels'
rows from their offers, so it is exact whatever changed (a price, an availability, a
deactivation, a move), and it moves the catalogue's generation on
(models/catalog/generation.py).

The cheapest offer of a group is the one with the lowest (price, id): the minimum of
the offers' stored cheapest keys (models/catalog/price_keys.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, event, func, insert, inspect, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from models.catalog.generation import bump_generation
from models.catalog.offers import HotelDayPrice, Offer, on_sale

# Hotels refreshed per statement: well under SQLite's limit of bound parameters.
REFRESH_BATCH = 1000
# The transaction-level advisory lock that makes refreshes take turns on PostgreSQL: two
# refreshes of one hotel at once would each miss the other's offers (each reads the
# offers as they were when its statement began).
_REFRESH_LOCK_KEY = 0x7072_6963  # "pric"


class operator_list(FunctionElement):
    """The aggregate of operator ids into one comma-separated text."""

    inherit_cache = True
    name = "operator_list"


@compiles(operator_list)
def _compile_operator_list(element, compiler, **kw) -> str:
    (operator_id,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"string_agg(CAST({operator_id} AS TEXT), ',')"


@compiles(operator_list, "sqlite")
def _compile_operator_list_sqlite(element, compiler, **kw) -> str:
    (operator_id,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"group_concat({operator_id}, ',')"


def parse_operator_ids(text_value: str) -> set[int]:
    """The operator ids of a row's `operator_ids`."""
    return {int(part) for part in text_value.split(",") if part}


_GROUP_COLUMNS = [
    "hotel_id",
    "country_id",
    "resort_id",
    "stars",
    "adults",
    "children",
    "departure_date",
]


def _day_prices(*conditions):
    """The rows of `hotel_day_prices` for the on-sale offers that meet `conditions`.

    Two aggregations, like the search's: per operator first (each operator once in the
    list), then per hotel, day and party.
    """
    keys = [Offer.__table__.c[name] for name in _GROUP_COLUMNS]
    per_operator = (
        select(
            *keys,
            Offer.operator_id,
            func.min(Offer.cheapest_key).label("cheapest_key"),
            func.count().label("offer_count"),
        )
        .where(*on_sale(), *conditions)
        .group_by(*keys, Offer.operator_id)
        .subquery("per_operator")
    )
    grouped = [per_operator.c[name] for name in _GROUP_COLUMNS]
    return select(
        *grouped,
        func.min(per_operator.c.cheapest_key),
        func.sum(per_operator.c.offer_count),
        operator_list(per_operator.c.operator_id),
    ).group_by(*grouped)


_ROW_COLUMNS = [*_GROUP_COLUMNS, "cheapest_key", "offer_count", "operator_ids"]


def _take_turns(session: Session) -> None:
    if session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _REFRESH_LOCK_KEY})


def _insert_day_prices(session: Session, rows) -> None:
    """INSERT ... SELECT the rows. On PostgreSQL by hash aggregation: right after a crawl's
    merge the planner's statistics still count the offers from before it, so it expects a
    few rows and sorts what may be a million (twice the time, measured at 500,000)."""
    postgres = session.bind.dialect.name == "postgresql"
    if postgres:
        session.execute(text("SET LOCAL enable_sort = off"))
    session.execute(insert(HotelDayPrice).from_select(_ROW_COLUMNS, rows))
    if postgres:
        session.execute(text("SET LOCAL enable_sort = on"))


def refresh_min_prices(session: Session, hotel_ids: Iterable[int]) -> None:
    """Rebuild the rows of these hotels from their offers as the session sees them now,
    and move the catalogue's generation on. Call it in the transaction that changed the
    hotels' offers, after the change and last before the commit (on PostgreSQL it holds
    a lock that other refreshes wait for until then)."""
    _take_turns(session)
    ids = sorted(set(hotel_ids))
    for start in range(0, len(ids), REFRESH_BATCH):
        batch = ids[start : start + REFRESH_BATCH]
        session.execute(delete(HotelDayPrice).where(HotelDayPrice.hotel_id.in_(batch)))
        _insert_day_prices(session, _day_prices(Offer.hotel_id.in_(batch)))
    bump_generation(session)


def rebuild_min_prices(session: Session) -> None:
    """Rebuild every row from the offers (a catalogue loaded by other means, such as the
    benchmarks' seeding), and move the generation on."""
    _take_turns(session)
    session.execute(delete(HotelDayPrice))
    _insert_day_prices(session, _day_prices())
    bump_generation(session)


def hotels_on_sale_at(session: Session, operator_id: int) -> set[int]:
    """The hotels where the operator has offers on sale now, read from the rows (a scan of
    a table a small fraction of the offers' size)."""
    listed = "," + HotelDayPrice.operator_ids + ","
    return set(
        session.scalars(
            select(HotelDayPrice.hotel_id).where(listed.like(f"%,{int(operator_id)},%")).distinct()
        )
    )


@event.listens_for(Session, "after_flush")
def _refresh_flushed_offers(session: Session, _flush_context) -> None:
    """Offers written through the ORM: refresh the hotels they were and are in."""
    hotels: set[int] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Offer):
            hotel = inspect(instance).attrs.hotel_id.history
            hotels.update(hotel_id for hotel_id in (*hotel.deleted, *hotel.unchanged, *hotel.added))
            if instance.hotel_id is not None:
                hotels.add(instance.hotel_id)
    if hotels:
        refresh_min_prices(session, hotels)
