"""The web site under a crowd: req/s, p50/p99 and every status, at 16, 64 and 256 connections.

    make bench-serve             (or: .venv/bin/python -m benchmarks.serve --help)

1. Seeds PostgreSQL as `make bench-search` does (`--offers`, default 1M; `--reuse` keeps
   a seeded database), or serves an existing database as it is (`--database-url`, e.g.
   the demo's sqlite:///var/tourscope.db after `make demo`).
2. Starts `tourscope serve` with production settings (`--workers N`) on a free loopback
   port, and drives `/healthz`, `/api/search` (typical searches), the HTML search page
   and `/api/calendar` (the same searches) and the landing page `/` with our load
   generator (benchmarks/http_load.py), each at every connection count.
3. Prints, per endpoint and connection count: req/s (2xx answers), p50/p99 latency in ms
   (every answer), the count of each status code (a 503 without Retry-After is marked),
   requests unanswered within the timeout (stalled), connection errors, and req/s as a
   share of `/healthz`'s.
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
from benchmarks.search import typical_search
from models.db import get_engine
from models.queries import SearchFilters

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/tourscope_serve_bench"
SEARCHES = 200  # distinct typical searches, cycled


def search_queries(database_url: str) -> list[str]:
    """Typical searches (benchmarks/search.py) over the countries the database has."""
    with get_engine(database_url).connect() as connection:
        countries = list(connection.scalars(text("SELECT code FROM countries ORDER BY code")))
    if not countries:
        raise SystemExit(f"{database_url} has no catalogue: crawl or seed it first")
    rng = random.Random(12)
    today = date.today()
    queries = []
    for _ in range(SEARCHES):
        filters = typical_search(rng, today)
        filters = SearchFilters.model_validate(
            {**filters.model_dump(), "country": rng.choice(countries)}
        )
        queries.append(urlencode(filters.query_params()))
    return queries


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(database_url: str, workers: int, log: Path) -> tuple[subprocess.Popen, int]:
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
    parser.add_argument("--offers", type=int, default=1_000_000)
    parser.add_argument("--postgres-url", default=DEFAULT_URL)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    parser.add_argument(
        "--database-url", help="serve this database as it is (no seeding), e.g. the demo's"
    )
    parser.add_argument("--workers", type=int, default=1, help="`tourscope serve --workers`")
    parser.add_argument("--connections", default="16,64,256", help="comma-separated")
    parser.add_argument(
        "--only", help="endpoints whose name contains this (healthz, api, HTML, calendar, landing)"
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
        from benchmarks.search import seed

        database_url = args.postgres_url
        ensure_postgres_database(database_url)
        if args.reuse:
            with get_engine(database_url).connect() as connection:
                present = connection.scalar(text("SELECT count(*) FROM offers"))
            print(f"Reusing {present:,} offers")
        else:
            print(f"Seeding {args.offers:,} offers")
            seed(database_url, args.offers)
    queries = search_queries(database_url)
    endpoints = {
        "/healthz": ["/healthz"],
        "/api/search": [f"/api/search?{query}" for query in queries],
        "/?search (HTML)": [f"/?{query}" for query in queries],
        "/api/calendar": [f"/api/calendar?{query}" for query in queries],
        "/ (landing)": ["/"],
    }
    if args.only:
        endpoints = {name: paths for name, paths in endpoints.items() if args.only in name}
    connection_counts = [int(count) for count in args.connections.split(",")]
    logs = Path(tempfile.mkdtemp(prefix="tourscope-bench-serve-"))
    print(
        f"`tourscope serve --workers {args.workers}`, started afresh for each endpoint (logs: "
        f"{logs}); {args.seconds:g} s per endpoint and connection count; stalled: no answer "
        f"in {args.timeout:g} s; req/s: answered 2xx a second; latencies in ms (all answers);\n"
        "share: req/s over /healthz's.\n"
    )
    print(
        f"  {'endpoint':<16} {'conns':>5} {'req/s':>8} {'share':>6} {'p50':>8} {'p99':>8} "
        f"{'stalled':>7} {'conn err':>8}  statuses"
    )
    baseline: dict[int, float] = {}
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
                print(
                    f"  {name:<16} {connections:>5} {rate:>8.1f} {share:>6.2f} "
                    f"{result.percentile(0.5):>8.0f} {result.percentile(0.99):>8.0f} "
                    f"{result.stalled:>7} {result.connection_errors:>8}  {describe(result)}",
                    flush=True,
                )
        finally:
            stop_server(server)


if __name__ == "__main__":
    main()
