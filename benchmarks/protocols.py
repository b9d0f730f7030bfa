"""A full sweep of each published-protocol replica: requests sent and crawl time.

    make bench-protocols         (or: .venv/bin/python -m benchmarks.protocols --help)

Starts the sandbox, then crawls each demo account of tourscope/config/operator_accounts.yaml (one
per protocol: Tourvisor, Master-Tour, TEZ TOUR) with `tourscope crawl` into a fresh
SQLite file, and prints what its crawl run recorded: the plan's size, the requests the
downloader sent, the offers stored, the reference values mapped and unmapped, and the
wall time. The replicas answer at once, so the time is ours (and TEZ TOUR's documented
cap of 50 requests a minute, kept as a hard cap even here), not an operator's.
"""

import argparse
import tempfile
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks.common import fresh_database, machine, run_measured, tourscope
from crawler.accounts import DEFAULT_ACCOUNTS_FILE, load_accounts
from models import CrawlRun, OperatorReference
from models.catalog.operator_references import MAPPED_KINDS
from models.db import get_engine
from sandbox.server import start_sandbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size", type=int, default=None, help="offer slots per replica (default: its own)"
    )
    args = parser.parse_args()
    accounts = load_accounts([DEFAULT_ACCOUNTS_FILE]).accounts
    print(f"Machine: {machine()}")
    server = start_sandbox()
    try:
        import httpx

        for account in accounts.values() if args.size else ():
            code = account.endpoint.removeprefix("sandbox:/")
            control = {"epoch": 0, "size": args.size, "fault": None}
            httpx.put(f"{server.url}/_sandbox/operators/{code}", json=control).raise_for_status()
        with tempfile.TemporaryDirectory() as folder:
            for account in accounts.values():
                url = fresh_database(f"sqlite:///{Path(folder) / account.code}.db")
                env = {
                    "TOURSCOPE_DATABASE_URL": url,
                    "TOURSCOPE_SANDBOX_URL": server.url,
                    "TOURSCOPE_VAR_DIR": folder,
                }
                seconds, memory, status = run_measured(tourscope("crawl", account.code), env)
                _report(account.code, account.protocol, url, seconds, memory, status)
    finally:
        server.stop()


def _report(code: str, protocol: str, url: str, seconds: float, memory: float, status: int):
    with Session(get_engine(url)) as session:
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        mapped = dict(
            session.execute(
                select(OperatorReference.code.is_not(None), func.count())
                .where(OperatorReference.kind.in_(MAPPED_KINDS))
                .group_by(OperatorReference.code.is_not(None))
            ).all()
        )
        hotels = session.scalar(select(func.count()).where(OperatorReference.kind == "hotel"))
        stats = run.stats if run else {}
        print(
            f"{code:16} {protocol:10} exit {status}  "
            f"{stats.get('downloader/request_count', 0):5} requests  "
            f"{run.items_stored if run else 0:6} offers stored  "
            f"references: {mapped.get(True, 0)} mapped, {mapped.get(False, 0)} unmapped, "
            f"{hotels} hotels  {seconds:6.1f} s  {memory:5.0f} MiB"
        )


if __name__ == "__main__":
    main()
