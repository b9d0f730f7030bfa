"""Measure the peak memory of a FeedLine crawl at several catalogue sizes.

The bulk XML spider streams its feed, so the crawl's peak RSS should stay flat however
big the export grows. This starts the sandbox, writes each export before the crawl (a
million offers take a minute to generate, longer than the crawler's download timeout),
runs `tourscope crawl feedline` as a child process and prints the child's peak RSS.

    .venv/bin/python scripts/feed_memory.py                  # 1k, 100k and 1M offers
    .venv/bin/python scripts/feed_memory.py 100000 --database-url postgresql+psycopg://...
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from models.migrate import upgrade_database
from sandbox.server import start_sandbox

EXPORT = "/feedline/export/offers.xml.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--database-url", help="default: a fresh SQLite file per size")
    args = parser.parse_args()
    sandbox = start_sandbox()
    with tempfile.TemporaryDirectory(prefix="feed-memory-") as work:
        for size in args.sizes:
            database_url = args.database_url or f"sqlite:///{Path(work) / f'{size}.db'}"
            upgrade_database(database_url)
            httpx.put(
                f"{sandbox.url}/_sandbox/operators/feedline", json={"size": size}
            ).raise_for_status()
            started = time.monotonic()
            with httpx.stream("GET", sandbox.url + EXPORT, timeout=600) as response:
                feed_bytes = int(response.headers["content-length"])
            prepared = time.monotonic() - started
            status, peak_kib, seconds = crawl(sandbox.url, database_url, Path(work))
            print(
                f"{size:>9} offers  feed {feed_bytes / 2**20:6.1f} MiB"
                f" (written in {prepared:5.1f}s)"
                f"  crawl exit {status} in {seconds:6.1f}s  peak RSS {peak_kib / 1024:6.1f} MiB",
                flush=True,
            )
    sandbox.stop()


def crawl(sandbox_url: str, database_url: str, work: Path) -> tuple[int, int, float]:
    """Run one crawl in a child process: (exit status, peak RSS in KiB, seconds)."""
    environment = {
        **os.environ,
        "TOURSCOPE_DATABASE_URL": database_url,
        "TOURSCOPE_SANDBOX_URL": sandbox_url,
        "TOURSCOPE_VAR_DIR": str(work),
    }
    started = time.monotonic()
    with open(work / "crawl-output.txt", "ab") as output:
        child = subprocess.Popen(
            [sys.executable, "-m", "tourscope.cli", "crawl", "feedline"],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        # wait4 gives this child's own resource usage (RUSAGE_CHILDREN would be the max so far).
        _, wait_status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(wait_status)
    return child.returncode, usage.ru_maxrss, time.monotonic() - started


if __name__ == "__main__":
    main()
