"""Search speed: p50/p95 of the hotel search and the price calendar at 5 million offers.

    make bench-search            (or: .venv/bin/python -m benchmarks.search --help)

1. Seeds PostgreSQL server-side (INSERT ... SELECT FROM generate_series, indexes built
   after the load): 12 countries, 60 resorts, 400 hotels, 6 departure cities, 6
   operators, 70 departure dates from tomorrow, nights 3-21, parties mostly 2 adults with
   0-2 children, 5% inactive, 5% on request and 5% stop sale or sold out; then the
   hotels' day prices (models/catalog/min_prices.py), and VACUUM ANALYZE, as autovacuum would
   after a crawl.
2. Runs a fixed mix of searches and calendars through the real query functions
   (`search_hotels`, `price_calendar`: SQLAlchemy, the ORM, the result objects), with a
   fixed random seed, and prints p50/p95 per query kind.

`--reuse` skips the seeding when the database already holds the offers.
"""

import argparse
import random
import time
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from benchmarks.common import ensure_postgres_database, fresh_database, machine, percentiles
from models import Hotel, Resort
from models.catalog.calendar import price_calendar
from models.catalog.min_prices import rebuild_min_prices
from models.catalog.search import search_hotels
from models.catalog.search_filters import SearchFilters
from models.db import get_engine
from models.migrate import upgrade_database

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/tourscope_search_bench"
COUNTRIES = 12
RESORTS_PER_COUNTRY = 5
HOTELS = 400
CITIES = ["MOW", "LED", "KZN", "SVX", "AER", "OVB"]
OPERATORS = ["suncoast", "aerotour", "samotravel", "pricelist", "feedline", "mediterra"]
DATES = 70
PAGE_SIZE = 20

CATALOGUE_SQL = f"""
INSERT INTO operators (code, name, enabled)
SELECT code, initcap(code), true FROM unnest(ARRAY{OPERATORS!r}) AS code;
INSERT INTO departure_cities (code, name)
SELECT code, 'City ' || code FROM unnest(ARRAY{CITIES!r}) AS code;
INSERT INTO countries (code, name)
SELECT chr(65 + n / 26) || chr(65 + n % 26), 'Country ' || n FROM generate_series(1, {COUNTRIES}) n;
INSERT INTO resorts (country_id, name)
SELECT c, 'Resort ' || c || '-' || r
FROM generate_series(1, {COUNTRIES}) c, generate_series(1, {RESORTS_PER_COUNTRY}) r;
-- Hotels spread unevenly: the first countries (think Turkey, Egypt) have the most.
INSERT INTO hotels (resort_id, name, stars)
SELECT 1 + floor(power(random(), 1.6) * {COUNTRIES * RESORTS_PER_COUNTRY})::int,
       'Hotel ' || h, 2 + floor(random() * 4)::int
FROM generate_series(1, {HOTELS}) h;
"""

OFFERS_SQL = """
INSERT INTO offers (
    operator_id, offer_key, hotel_id, country_id, resort_id, stars, departure_city_id,
    departure_date, nights, meal, room_type, adults, children, price, surcharge, currency,
    price_base, availability, url, first_seen_at, last_seen_at, last_crawl_run_id, is_active)
SELECT o.operator_id, 'B' || o.n, h.id, r.country_id, h.resort_id, h.stars, o.city_id,
       o.departure_date, o.nights, o.meal, o.room_type, o.adults, o.children,
       o.price, round(o.price * o.fuel, 2), 'EUR', o.price,
       CASE WHEN o.avail < 0.05 THEN 'on_request' WHEN o.avail < 0.08 THEN 'stop_sale'
            WHEN o.avail < 0.10 THEN 'sold_out' ELSE 'available' END,
       'http://operator.example/offer/' || o.n, o.seen, o.seen, NULL, o.active
FROM (
    SELECT q.*, round(q.day_rate * q.nights * (q.adults + 0.5 * q.children) / 2, 2) AS price
    FROM (
        SELECT p.*,
               CASE WHEN p.party < 0.82 THEN 2 WHEN p.party < 0.90 THEN 1 ELSE 3 END AS adults,
               CASE WHEN p.party < 0.45 THEN 0 WHEN p.party < 0.70 THEN 1
                    WHEN p.party < 0.82 THEN 2 WHEN p.party < 0.96 THEN 0 ELSE 1 END
                   AS children
        FROM (
            SELECT n,
                   1 + floor(random() * :hotels)::int AS hotel_id,
                   1 + floor(random() * 6)::int AS operator_id,
                   1 + floor(random() * 6)::int AS city_id,
                   :start + floor(random() * :dates)::int AS departure_date,
                   3 + floor(random() * 19)::int AS nights,
                   (ARRAY['RO','BB','HB','FB','AI','UAI'])[1 + floor(random() * 6)::int]
                       AS meal,
                   (ARRAY['Standard Room','Superior Room','Family Room','Sea View Room',
                          'Suite'])[1 + floor(random() * 5)::int] AS room_type,
                   random() AS party,
                   random() AS avail,
                   CASE WHEN random() < 0.3 THEN 0.06 ELSE 0 END AS fuel,
                   random() >= 0.05 AS active,
                   now() - random() * interval '6 hours' AS seen,
                   (150 + random() * 100)::numeric AS day_rate
            FROM generate_series(:first, :last) n
        ) p
    ) q
) o
JOIN hotels h ON h.id = o.hotel_id
JOIN resorts r ON r.id = h.resort_id
"""


def seed(url: str, offers: int) -> None:
    """A fresh, migrated database with the catalogue and `offers` offers."""
    fresh_database(url)
    engine = get_engine(url)
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(text("SELECT setseed(0.42)"))
        connection.execute(text(CATALOGUE_SQL))
        # Indexes are built once after the load (much faster than row by row), and the
        # foreign keys are not checked row by row: the generator only uses ids it made.
        indexes = connection.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'offers' "
                "AND indexname NOT IN ('pk_offers')"
            )
        ).all()
        constraints = {
            name
            for (name,) in connection.execute(
                text(
                    "SELECT conname FROM pg_constraint WHERE conrelid = 'offers'::regclass "
                    "AND contype = 'u'"
                )
            )
        }
        for name, _ in indexes:
            if name in constraints:
                connection.execute(text(f"ALTER TABLE offers DROP CONSTRAINT {name}"))
            else:
                connection.execute(text(f"DROP INDEX {name}"))
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        step = 1_000_000
        for first in range(1, offers + 1, step):
            last = min(first + step - 1, offers)
            connection.execute(
                text(OFFERS_SQL),
                {
                    "hotels": HOTELS,
                    "dates": DATES,
                    "start": date.today() + timedelta(days=1),
                    "first": first,
                    "last": last,
                },
            )
            print(f"  {last:>10,} offers inserted ({time.perf_counter() - started:.0f} s)")
        connection.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
        for name, definition in indexes:
            if name in constraints:
                columns = definition[definition.index("(") :]
                connection.execute(
                    text(f"ALTER TABLE offers ADD CONSTRAINT {name} UNIQUE {columns}")
                )
            else:
                connection.execute(text(definition))
        print(f"  indexes built ({time.perf_counter() - started:.0f} s)")
    # The search keys a crawl writes with each hotel's and resort's name.
    with Session(engine) as session:
        for model in (Hotel, Resort):
            for row in session.scalars(select(model)):
                row.name = row.name  # rewrites its search key (models/catalog/hotels.py)
                flag_modified(row, "name")
        session.commit()
    # The hotels' day prices, as a crawl's landing would have kept them.
    with Session(engine) as session:
        session.execute(text("SET LOCAL work_mem = '256MB'"))
        rebuild_min_prices(session)
        session.commit()
    print(f"  hotels' day prices built ({time.perf_counter() - started:.0f} s)")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    print(f"  vacuumed and analyzed ({time.perf_counter() - started:.0f} s)")


def typical_search(rng: random.Random, today: date) -> SearchFilters:
    """One country, a 2-week window, a nights range, a party mostly of 2+1: the issue's
    typical search, with the sort and page varied."""
    start = today + timedelta(days=rng.randrange(1, DATES - 14))
    nights_min = rng.choice([3, 5, 7, 7, 10, 12])
    return SearchFilters(
        country=_country_code(rng.randrange(1, COUNTRIES + 1)),
        date_from=start,
        date_to=start + timedelta(days=13),
        nights_min=nights_min,
        nights_max=nights_min + rng.choice([2, 3, 4, 7]),
        adults=2,
        children_ages=rng.choice([[7], [7], [7], [5], [], [7, 1], [10, 4]]),
        sort=rng.choice(["price", "price", "price", "stars", "date"]),
        page=rng.choice([1, 1, 1, 1, 2]),
    )


def narrow_search(rng: random.Random, today: date) -> SearchFilters:
    """The typical search with more filters: city, stars, meal plan, price, in USD."""
    base = typical_search(rng, today)
    return SearchFilters.model_validate(
        {
            **base.model_dump(),
            "departure_city": rng.choice(CITIES),
            "stars_min": rng.choice([3, 4, 5]),
            "meal_min": rng.choice(["HB", "AI"]),
            "price_max": rng.choice([2000, 3000, 5000]),
            "currency": "USD",
        }
    )


def flexible_date_search(rng: random.Random, today: date) -> SearchFilters:
    """One date ± 3 days, one country, any nights, 2 adults."""
    return SearchFilters(
        country=_country_code(rng.randrange(1, COUNTRIES + 1)),
        date=today + timedelta(days=rng.randrange(4, DATES - 4)),
        flex_days=3,
    )


def named_search(rng: random.Random, today: date) -> SearchFilters:
    """The typical search with part of a hotel's or resort's name, in Latin or Cyrillic."""
    base = typical_search(rng, today)
    typed = rng.choice(["Hotel 1", "Хотел 2", "Resort 3", "Ресорт 1", "hotel 3"])
    return SearchFilters.model_validate({**base.model_dump(), "hotel_name": typed})


def landing_search(rng: random.Random, today: date) -> SearchFilters:
    """`/` with no parameters: every country, the next 30 days, 2 adults, any nights."""
    return SearchFilters(page=rng.choice([1, 1, 2]))


def _country_code(number: int) -> str:
    return chr(65 + number // 26) + chr(65 + number % 26)


def measure(
    url: str,
    kind: str,
    make: Callable[[random.Random, date], SearchFilters],
    run: Callable[[Session, SearchFilters], object],
    repeats: int,
) -> tuple[float, float, float]:
    rng = random.Random(kind)
    today = date.today()
    timings = []
    with Session(get_engine(url)) as session:
        for number in range(repeats + 10):
            filters = make(rng, today)
            started = time.perf_counter()
            run(session, filters)
            session.rollback()
            if number >= 10:  # the first runs warm the caches and the connection
                timings.append((time.perf_counter() - started) * 1000)
    return percentiles(timings)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--offers", type=int, default=5_000_000)
    parser.add_argument("--repeats", type=int, default=200, help="runs per query kind")
    parser.add_argument("--postgres-url", default=DEFAULT_URL)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    args = parser.parse_args()

    print(f"Machine: {machine()}")
    ensure_postgres_database(args.postgres_url)
    engine = get_engine(args.postgres_url)
    if args.reuse:
        upgrade_database(args.postgres_url)  # seeded by an older version, perhaps
        with engine.connect() as connection:
            present = connection.scalar(text("SELECT count(*) FROM offers"))
        print(f"Reusing {present:,} offers")
    else:
        print(f"Seeding {args.offers:,} offers")
        seed(args.postgres_url, args.offers)
    with engine.connect() as connection:
        active = connection.scalar(text("SELECT count(*) FROM offers WHERE is_active"))
        size = connection.scalar(
            text("SELECT pg_size_pretty(pg_relation_size('ix_offers_party_search'))")
        )
    print(f"{active:,} active offers; search index {size}")

    def search(session, filters):
        return search_hotels(session, filters, PAGE_SIZE)

    kinds = [
        ("search: typical (country, 2 weeks, nights, 2+1)", typical_search, search),
        ("search: typical + city, stars, meal, price", narrow_search, search),
        ("search: one date ± 3 days", flexible_date_search, search),
        ("search: typical + hotel/resort name (any script)", named_search, search),
        ("calendar: typical", typical_search, price_calendar),
        ("search: landing page (all countries, 30 days)", landing_search, search),
    ]
    print(f"\n{args.repeats} runs per kind, page size {PAGE_SIZE}, times in ms")
    print(f"  {'query kind':<50} {'p50':>7} {'p95':>7} {'max':>7}")
    for kind, make, run in kinds:
        p50, p95, worst = measure(args.postgres_url, kind, make, run, args.repeats)
        print(f"  {kind:<50} {p50:>7.1f} {p95:>7.1f} {worst:>7.1f}")


if __name__ == "__main__":
    main()
