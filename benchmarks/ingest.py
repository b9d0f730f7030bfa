"""Ingest throughput: offers per second from a demo operator into the database.

    make bench-ingest            (or: .venv/bin/python -m benchmarks.ingest --help)

1. End to end: a real `tourscope crawl` of the bulk XML operator (sandbox -> Scrapy ->
   pipelines -> database), on SQLite and PostgreSQL, with the crawl's peak memory at
   two catalogue sizes.
2. The database write path alone on PostgreSQL (staging with COPY, then the landing:
   the set-based merge into `offers` with price history, the deactivation of unseen
   offers and the refresh of the hotels' day prices), against a plain COPY of the same
   rows into a table of the same columns: the ratio says what our bookkeeping costs.
"""

import argparse
import random
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import text

from benchmarks.common import (
    DEFAULT_POSTGRES_URL,
    ensure_postgres_database,
    fresh_database,
    machine,
    run_measured,
    tourscope,
)
from models import CrawlRun
from models.base import utcnow
from models.crawls.ingest import (
    STAGED_COLUMNS,
    land_staged_offers,
    stage_offers,
)
from models.db import get_engine, session_scope
from sandbox.server import start_sandbox

OPERATOR = "feedline"


def end_to_end(url: str, size: int, sandbox, workdir: Path) -> tuple[float, float, float]:
    """(offers per second, seconds, peak MiB) of one crawl of `size` offers into `url`."""
    fresh_database(url)
    sandbox.client.put(f"/_sandbox/operators/{OPERATOR}", json={"size": size}).raise_for_status()
    # The operator builds its export before anyone downloads it; that is not our time.
    with sandbox.client.stream("GET", f"/{OPERATOR}/export/offers.xml.gz") as response:
        for _ in response.iter_bytes():
            pass
    env = {
        "TOURSCOPE_DATABASE_URL": url,
        "TOURSCOPE_SANDBOX_URL": sandbox.url,
        "TOURSCOPE_VAR_DIR": str(workdir),
    }
    seconds, peak_mib, status = run_measured(tourscope("crawl", OPERATOR), env)
    if status != 0:
        raise SystemExit(f"the crawl failed (exit {status}); see the logs in {workdir}/log")
    with session_scope(url) as session:
        stored = session.query(CrawlRun).one().items_stored
    return stored / seconds, seconds, peak_mib


def synthetic_rows(count: int, run_id: int, operator_id: int, hotel_id: int, city_id: int):
    rng = random.Random(7)
    start = date.today() + timedelta(days=5)
    for index in range(count):
        price = Decimal(rng.randrange(300, 5000))
        yield {
            "crawl_run_id": run_id,
            "operator_id": operator_id,
            "offer_key": f"BENCH{index:08d}",
            "hotel_id": hotel_id,
            "country_id": 1,
            "resort_id": 1,
            "stars": 4,
            "departure_city_id": city_id,
            "departure_date": start + timedelta(days=index % 60),
            "nights": 3 + index % 18,
            "meal": "AI",
            "room_type": "Standard Room",
            "adults": 2,
            "children": index % 2,
            "price": price,
            "surcharge": Decimal(0),
            "currency": "EUR",
            "price_base": price,
            "availability": "available",
            "url": f"http://operator.example/offer/{index}",
        }


def write_path(url: str, count: int, batch: int) -> dict[str, float]:
    """Seconds for our write path (first load and re-crawl) and for a plain COPY."""
    fresh_database(url)
    with session_scope(url) as session:
        session.execute(
            text(
                "INSERT INTO operators (code, name, enabled) VALUES ('bench', 'Bench', true);"
                "INSERT INTO countries (code, name) VALUES ('TR', 'Turkey');"
                "INSERT INTO resorts (country_id, name) VALUES (1, 'Side');"
                "INSERT INTO hotels (resort_id, name, stars) VALUES (1, 'Bench Hotel', 4);"
                "INSERT INTO departure_cities (code, name) VALUES ('MOW', 'Moscow');"
            )
        )
    operator_id = 1
    timings = {}
    for label in ("first load", "re-crawl"):
        with session_scope(url) as session:
            run = CrawlRun(operator_id=operator_id, started_at=utcnow(), stats={})
            session.add(run)
            session.flush()
            run_id = run.id
        rows = list(synthetic_rows(count, run_id, operator_id, 1, 1))
        if label == "re-crawl":  # every price moves: the most history to write
            for row in rows:
                row["price"] = row["price_base"] = row["price"] + 1
        started = time.perf_counter()
        with session_scope(url) as session:
            for at in range(0, count, batch):
                stage_offers(session, rows[at : at + batch])
                session.commit()
            # The whole landing: merge, deactivation, the hotels' day prices.
            land_staged_offers(session, operator_id, run_id, utcnow())
        timings[label] = time.perf_counter() - started
    # The baselines: the same rows COPYed in one go into the catalogue table itself (its
    # indexes and constraints, no staging, no upsert, no history), and into a bare table.
    catalogue_columns = [c for c in STAGED_COLUMNS if c != "crawl_run_id"]
    catalogue_columns += ["first_seen_at", "last_seen_at", "is_active"]
    now = utcnow()
    with get_engine(url).begin() as connection:
        connection.execute(text("TRUNCATE offers CASCADE"))
        connection.execute(
            text(
                f"CREATE TABLE copy_baseline AS SELECT {', '.join(STAGED_COLUMNS)} "
                "FROM offer_staging WITH NO DATA"
            )
        )
    for label, table, columns in (
        ("COPY into offers", "offers", catalogue_columns),
        ("COPY into a bare table", "copy_baseline", STAGED_COLUMNS),
    ):
        started = time.perf_counter()
        with get_engine(url).begin() as connection:
            cursor = connection.connection.dbapi_connection.cursor()
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    values = {**row, "first_seen_at": now, "last_seen_at": now, "is_active": True}
                    copy.write_row([values[column] for column in columns])
        timings[label] = time.perf_counter() - started
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--size", type=int, default=200_000, help="offers in the crawl")
    parser.add_argument("--memory-sizes", default="100000,1000000", help="sizes for peak memory")
    parser.add_argument("--write-rows", type=int, default=500_000, help="rows for the write path")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()

    print(f"Machine: {machine()}")
    ensure_postgres_database(args.postgres_url)
    workdir = Path(tempfile.mkdtemp(prefix="tourscope-bench-"))
    sqlite_url = f"sqlite:///{workdir / 'bench.db'}"
    sandbox = start_sandbox()
    sandbox.client = httpx.Client(base_url=sandbox.url, timeout=600)
    try:
        print(f"\nEnd to end: `tourscope crawl {OPERATOR}` of {args.size:,} offers")
        for name, url in (("SQLite", sqlite_url), ("PostgreSQL", args.postgres_url)):
            rate, seconds, peak = end_to_end(url, args.size, sandbox, workdir)
            print(
                f"  {name:<10} {rate:>9,.0f} offers/s  ({seconds:.1f} s, peak RSS {peak:.0f} MiB)"
            )
        if not args.skip_memory:
            print("\nPeak memory of the crawl as the operator grows (PostgreSQL)")
            for size in (int(s) for s in args.memory_sizes.split(",")):
                rate, seconds, peak = end_to_end(args.postgres_url, size, sandbox, workdir)
                print(f"  {size:>9,} offers: peak RSS {peak:.0f} MiB ({rate:,.0f} offers/s)")
    finally:
        sandbox.stop()

    print(f"\nWrite path alone on PostgreSQL, {args.write_rows:,} rows in batches of 1,000")
    timings = write_path(args.postgres_url, args.write_rows, 1000)
    baseline = timings["COPY into offers"]
    for label, seconds in timings.items():
        print(
            f"  {label:<23} {args.write_rows / seconds:>9,.0f} rows/s  ({seconds:.2f} s, "
            f"{baseline / seconds:.0%} of a plain COPY into offers)"
        )


if __name__ == "__main__":
    main()
