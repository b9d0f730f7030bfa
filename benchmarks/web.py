"""The web site under a crowd: req/s, p50/p95/p99 and every status, at 16, 64 and 256
connections, and each endpoint's req/s as a share of `/healthz`'s in the same run.

    make bench-web             (or: .venv/bin/python -m benchmarks.web --help)

1. Uses `make bench-search`'s PostgreSQL database, seeding it first when it does not hold
   `--offers` offers (default 5M; `--fresh` seeds anew), or serves an existing database as
   it is (`--database-url`, e.g. the demo's sqlite:///var/tourscope.db).
2. Starts `tourscope serve` with production settings (`--workers N`) on a free loopback
   port, and drives `/healthz`, `/api/search` (typical searches), the HTML search page,
   `/api/calendar` (the same searches), the landing page `/` and hotel pages (a hotel of
   each search's country, with the search) with our load generator
   (benchmarks/http_load.py), each at every connection count.
3. Prints, per endpoint and connection count: req/s (2xx answers), p50/p95/p99 latency in
   ms (every answer), the count of each status code (a 503 without Retry-After is marked),
   requests unanswered within the timeout (stalled), connection errors, and req/s as a
   share of `/healthz`'s; then issue 12's throughput targets against those shares.
"""

import argparse
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import httpx
from sqlalchemy import text

from benchmarks.common import ensure_postgres_database, machine
from benchmarks.http_load import LoadResult, run_load
from benchmarks.search import DEFAULT_URL, seed, typical_search
from models.catalog.search_filters import SearchFilters
from models.db import get_engine
from models.migrate import upgrade_database

SEARCHES = 200  # distinct typical searches, cycled
# Issue 12's throughput targets: req/s at least this share of /healthz's in the same run.
TARGET_SHARES = {"/api/search": 0.5, "/?search (HTML)": 0.3, "/ (landing)": 0.3}


def search_paths(database_url: str) -> tuple[list[str], list[str]]:
    """Typical searches (benchmarks/search.py) over the countries the database has, as
    query strings, and a hotel page of each search's country with that search."""
    with get_engine(database_url).connect() as connection:
        hotels: dict[str, list[int]] = {}
        for code, hotel_id in connection.execute(
            text(
                "SELECT c.code, h.id FROM hotels h JOIN resorts r ON r.id = h.resort_id "
                "JOIN countries c ON c.id = r.country_id ORDER BY h.id"
            )
        ):
            hotels.setdefault(code, []).append(hotel_id)
    if not hotels:
        raise SystemExit(f"{database_url} has no catalogue: crawl or seed it first")
    rng = random.Random(12)
    today = date.today()
    queries, hotel_pages = [], []
    for _ in range(SEARCHES):
        country = rng.choice(sorted(hotels))
        filters = typical_search(rng, today)
        filters = SearchFilters.model_validate({**filters.model_dump(), "country": country})
        query = urlencode(filters.query_params())
        queries.append(query)
        hotel_pages.append(f"/hotels/{rng.choice(hotels[country])}?{query}")
    return queries, hotel_pages


def offers_present(database_url: str) -> int:
    try:
        with get_engine(database_url).connect() as connection:
            return connection.scalar(text("SELECT count(*) FROM offers")) or 0
    except Exception:  # no such table yet: not seeded
        return 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(
    database_url: str, workers: int, log: Path, settings: dict[str, str] | None = None
) -> tuple[subprocess.Popen, int]:
    """`tourscope serve` with production settings (and `settings`) on a free port."""
    port = free_port()
    command = [sys.executable, "-m", "tourscope.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    if workers != 1:
        command += ["--workers", str(workers)]
    environment = {
        **os.environ,
        "TOURSCOPE_DATABASE_URL": database_url,
        "TOURSCOPE_ENVIRONMENT": "production",
        "TOURSCOPE_SECRET_KEY": secrets.token_urlsafe(48),
        **(settings or {}),
    }
    server = subprocess.Popen(
        command,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}; see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server, port
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"the server did not answer within 60 s; see {log}")


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def settle(port: int) -> bool:
    """Wait (up to a minute) until a stalled run's leftovers are gone and /healthz answers."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return False


def describe(result: LoadResult) -> str:
    statuses = " ".join(f"{status}×{count}" for status, count in sorted(result.statuses.items()))
    return statuses or "none"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--offers", type=int, default=5_000_000)
    parser.add_argument("--postgres-url", default=DEFAULT_URL)
    parser.add_argument("--fresh", action="store_true", help="seed anew even if seeded")
    parser.add_argument(
        "--database-url", help="serve this database as it is (no seeding), e.g. the demo's"
    )
    parser.add_argument("--workers", type=int, default=1, help="`tourscope serve --workers`")
    parser.add_argument("--connections", default="16,64,256", help="comma-separated")
    parser.add_argument(
        "--only",
        help="endpoints whose name contains this (healthz, api, HTML, calendar, landing, hotels)",
    )
    parser.add_argument("--seconds", type=float, default=10, help="per endpoint and count")
    parser.add_argument(
        "--timeout", type=float, default=30, help="seconds before a request counts as stalled"
    )
    args = parser.parse_args()

    print(f"Machine: {machine()}")
    if args.database_url:
        database_url = args.database_url
    else:
        database_url = args.postgres_url
        ensure_postgres_database(database_url)
        present = offers_present(database_url)
        if present == args.offers and not args.fresh:
            print(f"Reusing the {present:,} offers seeded by an earlier run")
            upgrade_database(database_url)  # seeded by an older version, perhaps
        else:
            print(f"Seeding {args.offers:,} offers")
            seed(database_url, args.offers)
    queries, hotel_pages = search_paths(database_url)
    endpoints = {
        "/healthz": ["/healthz"],
        "/api/search": [f"/api/search?{query}" for query in queries],
        "/?search (HTML)": [f"/?{query}" for query in queries],
        "/api/calendar": [f"/api/calendar?{query}" for query in queries],
        "/ (landing)": ["/"],
        "/hotels/<id>": hotel_pages,
    }
    if args.only:
        endpoints = {name: paths for name, paths in endpoints.items() if args.only in name}
    connection_counts = [int(count) for count in args.connections.split(",")]
    logs = Path(tempfile.mkdtemp(prefix="tourscope-bench-web-"))
    print(
        f"`tourscope serve --workers {args.workers}`, started afresh for each endpoint (logs: "
        f"{logs}); {args.seconds:g} s per endpoint and connection count; stalled: no answer "
        f"in {args.timeout:g} s; req/s: answered 2xx a second; latencies in ms (all answers);\n"
        "share: req/s over /healthz's.\n"
    )
    print(
        f"  {'endpoint':<16} {'conns':>5} {'req/s':>8} {'share':>6} {'p50':>8} {'p95':>8} "
        f"{'p99':>8} {'stalled':>7} {'conn err':>8}  statuses"
    )
    baseline: dict[int, float] = {}
    shares: dict[tuple[str, int], float] = {}
    for number, (name, paths) in enumerate(endpoints.items()):
        log = logs / f"server-{number}.log"
        server, port = start_server(database_url, args.workers, log)
        try:
            for connections in connection_counts:
                if not settle(port):
                    print(f"  {name:<16} (still stuck a minute after the last run: restarted)")
                    stop_server(server)
                    server, port = start_server(database_url, args.workers, log)
                result = run_load("127.0.0.1", port, paths, connections, args.seconds, args.timeout)
                rate = result.requests_per_second
                if name == "/healthz":
                    baseline[connections] = rate
                share = rate / baseline[connections] if baseline.get(connections) else 0
                shares[name, connections] = share
                print(
                    f"  {name:<16} {connections:>5} {rate:>8.1f} {share:>6.2f} "
                    f"{result.percentile(0.5):>8.0f} {result.percentile(0.95):>8.0f} "
                    f"{result.percentile(0.99):>8.0f} "
                    f"{result.stalled:>7} {result.connection_errors:>8}  {describe(result)}",
                    flush=True,
                )
        finally:
            stop_server(server)
    print("\nTargets (req/s as a share of /healthz's, at each connection count):")
    for name, target in TARGET_SHARES.items():
        measured = [shares[name, count] for count in connection_counts if (name, count) in shares]
        if measured and baseline:
            verdict = "met" if min(measured) >= target else "missed"
            figures = " / ".join(f"{share:.2f}" for share in measured)
            print(f"  {name:<16} >= {target:.1f}: {figures}  {verdict}")


if __name__ == "__main__":
    main()
