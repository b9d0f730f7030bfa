"""The hotel page: how long one page takes to build as its hotel's offers grow.

    make bench-hotel-page        (or: .venv/bin/python -m benchmarks.hotel_page --help)

For each size, a fresh SQLite file holds one hotel with that many matching offers from
three operators (built with the tests' factories); the real app (`create_app`, in
process, the per-worker answer cache off so every request builds its page) answers
`--requests` requests for the page's first page, HTML and JSON. Prints p50/p95 and the
offers each page lists. The queries at 5M offers are in `make bench-web`'s hotel pages.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.common import machine, percentiles


def build_hotel(url: str, size: int) -> int:
    """A catalogue of one hotel with `size` offers on sale; returns its id."""
    # Imported here, after `measure` has pointed the settings at this size's database.
    from models.agency_time import agency_today
    from models.db import session_scope
    from models.migrate import upgrade_database
    from tests.factories import (
        make_country,
        make_departure_city,
        make_hotel,
        make_offer,
        make_operator,
        make_resort,
    )

    upgrade_database(url)
    with session_scope(url) as session:
        resort = make_resort(session, make_country(session, "TR", "Turkey"), "Antalya")
        hotel = make_hotel(session, resort, "Antalya Palace", 5)
        city = make_departure_city(session, "MOW", "Moscow")
        operators = [
            make_operator(session, code, code.title())
            for code in ("suncoast", "bluesky", "aerotour")
        ]
        for index in range(size):
            make_offer(
                session,
                operator=operators[index % 3],
                hotel=hotel,
                departure_city=city,
                departure_date=agency_today() + timedelta(days=5 + index % 25),
                nights=7 + index % 7,
                price=f"{900 + index * 3}.00",
            )
        return hotel.id


def measure(size: int, requests: int, workdir: Path) -> None:
    """Build one size's catalogue and print its pages' times (in a process of its own, so
    no engine, setting or cache of another size is left over)."""
    url = f"sqlite:///{workdir / f'hotel-{size}.db'}"
    os.environ.update(
        TOURSCOPE_DATABASE_URL=url,
        TOURSCOPE_WEB_ANSWER_CACHE_MB="0",
        TOURSCOPE_VAR_DIR=str(workdir),
    )
    hotel_id = build_hotel(url, size)
    from fastapi.testclient import TestClient

    from webapp.main import create_app

    with TestClient(create_app()) as client:
        for kind, path in (("HTML", f"/hotels/{hotel_id}"), ("JSON", f"/api/hotels/{hotel_id}")):
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - started)
                response.raise_for_status()
            if kind == "HTML":
                listed = response.text.count('class="offer-row"')
            else:
                listed = len(response.json()["offers"])
            # The first requests fill the template and query caches.
            p50, p95, _slowest = percentiles(times[5:])
            print(
                f"{size:>7} {kind:<5} {p50 * 1000:>7.1f} {p95 * 1000:>7.1f} {listed:>7}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", default="50,166,300,1000", help="offers of the hotel")
    parser.add_argument("--requests", type=int, default=60, help="requests per page")
    parser.add_argument("--only", type=int, help=argparse.SUPPRESS)  # one size, in a child
    args = parser.parse_args()
    if args.only:
        measure(args.only, args.requests, Path(os.environ["TOURSCOPE_VAR_DIR"]))
        return
    print(f"Machine: {machine()}")
    workdir = Path(tempfile.mkdtemp(prefix="tourscope-bench-"))
    print(f"{'offers':>7} {'page':<5} {'p50 ms':>7} {'p95 ms':>7} {'listed':>7}", flush=True)
    for size in (int(s) for s in args.sizes.split(",")):
        child = [sys.executable, "-m", "benchmarks.hotel_page", "--only", str(size)]
        child += ["--requests", str(args.requests)]
        env = {**os.environ, "TOURSCOPE_VAR_DIR": str(workdir)}
        subprocess.run(child, env=env, check=True)


if __name__ == "__main__":
    main()
