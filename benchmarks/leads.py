"""The lead form under load: how long a visitor waits for "thank you" while the offer's
re-check waits for the worker.

    make bench-leads             (or: .venv/bin/python -m benchmarks.leads --help)

Serves `make bench-search`'s database (`--database-url` for another) with `tourscope
serve` in production settings, the lead rate limit raised for the run (one client
address sends every lead), and no re-check worker, so every re-check stays pending as it
would behind a slow operator. Each of `--concurrency` visitors opens the form of an offer
on sale (GET, for its CSRF token) and sends it (POST); only the POST is timed, from the
request to the redirect to the confirmation page. Prints p50/p95/max and checks that
every lead is stored with its re-check queued.
"""

import argparse
import re
import statistics
import tempfile
import threading
import time
from html import unescape
from pathlib import Path

import httpx
from sqlalchemy import text

from benchmarks.common import machine
from benchmarks.search import DEFAULT_URL
from benchmarks.web import start_server, stop_server
from models.db import get_engine
from models.migrate import upgrade_database

FORM = {
    "name": "Anna Smith",
    "phone": "+7 912 345-67-89",
    "email": "anna@example.com",
    "contact_time": "evening",
    "wishes": "Sea view, please.",
    "extras": ["car_with_driver"],
    "consent": "yes",
}


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    if not match:
        raise SystemExit(f"the lead form has no {name} field: is this Tourscope?")
    return unescape(match.group(1))


def on_sale_offers(database_url: str, count: int) -> list[int]:
    with get_engine(database_url).connect() as connection:
        ids = list(
            connection.scalars(
                text(
                    "SELECT id FROM offers WHERE is_active AND availability = 'available' "
                    "AND departure_date > CURRENT_DATE ORDER BY id LIMIT :count"
                ),
                {"count": count},
            )
        )
    if not ids:
        raise SystemExit(f"{database_url} has no offer on sale: seed it (make bench-search)")
    return ids


def visitor(base_url: str, offers: list[int], timings: list[float], failures: list[str]):
    with httpx.Client(base_url=base_url, timeout=60) as client:
        for offer_id in offers:
            form = client.get(f"/leads/new?offer_id={offer_id}")
            data = {
                **FORM,
                "csrf_token": hidden(form.text, "csrf_token"),
                "offer_id": hidden(form.text, "offer_id"),
                "search_query": hidden(form.text, "search_query"),
            }
            # Production cookies are Secure: sent back by hand over loopback's plain HTTP.
            cookie = "; ".join(f"{name}={value}" for name, value in form.cookies.items())
            started = time.perf_counter()
            answer = client.post(
                "/leads/new", data=data, headers={"Cookie": cookie}, follow_redirects=False
            )
            timings.append(time.perf_counter() - started)
            if answer.status_code != 303:
                failures.append(f"offer {offer_id}: HTTP {answer.status_code}")


def pending_rechecks(database_url: str) -> int:
    with get_engine(database_url).connect() as connection:
        return connection.scalar(text("SELECT count(*) FROM recheck_jobs WHERE status = 'pending'"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--leads", type=int, default=400, help="leads sent in all")
    parser.add_argument("--concurrency", type=int, default=8, help="visitors at once")
    parser.add_argument("--workers", type=int, default=1, help="`tourscope serve --workers`")
    args = parser.parse_args()

    print(f"Machine: {machine()}")
    upgrade_database(args.database_url)  # seeded by an older version, perhaps
    offers = on_sale_offers(args.database_url, args.leads)
    pending_before = pending_rechecks(args.database_url)
    log = Path(tempfile.mkdtemp(prefix="tourscope-bench-leads-")) / "server.log"
    environment = {"TOURSCOPE_LEAD_RATE_LIMIT_PER_HOUR": str(10 * args.leads)}
    server, port = start_server(args.database_url, args.workers, log, environment)
    timings: list[float] = []
    failures: list[str] = []
    try:
        shares = [offers[number :: args.concurrency] for number in range(args.concurrency)]
        visitors = [
            threading.Thread(
                target=visitor, args=(f"http://127.0.0.1:{port}", share, timings, failures)
            )
            for share in shares
        ]
        started = time.perf_counter()
        for thread in visitors:
            thread.start()
        for thread in visitors:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        stop_server(server)
    queued = pending_rechecks(args.database_url) - pending_before
    ordered = sorted(timings)
    print(
        f"{len(timings)} leads by {args.concurrency} visitors at once in {elapsed:.1f} s "
        f"(`tourscope serve --workers {args.workers}`, no re-check worker running); "
        f"POST /leads/new until the redirect, ms:"
    )
    print(
        f"  p50 {statistics.median(ordered) * 1000:.0f}   "
        f"p95 {ordered[int(0.95 * (len(ordered) - 1))] * 1000:.0f}   "
        f"max {ordered[-1] * 1000:.0f}"
    )
    print(f"  re-checks queued and pending: {queued} of {len(timings)}; failures: {len(failures)}")
    for failure in failures[:10]:
        print(f"    {failure}")


if __name__ == "__main__":
    main()
