"""Crawl each enabled operator on its own interval, one crawl per operator at a time; and
refresh the exchange rates once a day (`tourscope rates refresh`, in a child too).

Each crawl runs in a child process (`tourscope crawl CODE`): Scrapy's reactor runs once
per process, and a crash stays in its child. Or, with TOURSCOPE_SCRAPYD_NODES, on the
least busy of several Scrapyd nodes (crawler/scrapyd.py). The crawl itself takes the
operator's lock (models/crawls/locks.py, crawler/pipelines/store.py), so two schedulers, or two
nodes, never crawl one operator at once.
"""

import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from models.base import utcnow
from models.catalog.exchange_rates import last_fetched_at
from models.crawls.status import disabled_operator_codes, last_crawl_starts
from models.db import session_scope

logger = logging.getLogger(__name__)


def due_operators(
    intervals: dict[str, timedelta],
    last_started: dict[str, datetime],
    running: set[str],
    disabled: set[str],
    now: datetime,
) -> list[str]:
    """Operators whose interval has passed since their last crawl, most overdue first."""
    due = [
        (last_started.get(code), code)
        for code, interval in intervals.items()
        if code not in running
        and code not in disabled
        and (code not in last_started or last_started[code] + interval <= now)
    ]
    return [code for _, code in sorted(due, key=lambda pair: (pair[0] is not None, pair[0]))]


def crawl_command(code: str) -> list[str]:
    return [sys.executable, "-m", "tourscope.cli", "crawl", code]


class Launcher(Protocol):
    """Where crawls run: child processes here, or Scrapyd nodes (crawler/scrapyd.py)."""

    def in_flight(self) -> set[str]:
        """The operators whose crawl is still going."""

    def launch(self, operator: str) -> str | None:
        """Starts a crawl of `operator`; returns where it runs, or None if it could not."""


RATES_COMMAND = [sys.executable, "-m", "tourscope.cli", "rates", "refresh"]
# A failed refresh is tried again this long after, not at every tick.
RATES_RETRY = timedelta(hours=1)


def rates_due(
    interval: timedelta, fetched_at: datetime | None, tried_at: datetime | None, now: datetime
) -> bool:
    """Whether the rates are `interval` old (or were never fetched), and the last attempt
    is not so recent that it should be left to its retry delay."""
    stale = fetched_at is None or fetched_at + interval <= now
    return stale and (tried_at is None or tried_at + RATES_RETRY <= now)


@dataclass
class LocalLauncher:
    """Each crawl in a child process of this machine."""

    start: Callable[[str], subprocess.Popen] = field(
        default=lambda code: subprocess.Popen(crawl_command(code), stdout=subprocess.DEVNULL)
    )
    running: dict[str, subprocess.Popen] = field(default_factory=dict)

    def in_flight(self) -> set[str]:
        for code, child in list(self.running.items()):
            if child.poll() is not None:
                del self.running[code]
                outcome = "done" if child.returncode == 0 else f"failed (exit {child.returncode})"
                logger.info("crawl of %s %s", code, outcome)
        return set(self.running)

    def launch(self, operator: str) -> str:
        self.running[operator] = self.start(operator)
        return "here"


@dataclass
class CrawlScheduler:
    intervals: dict[str, timedelta]
    max_parallel: int = 2
    launcher: Launcher = field(default_factory=LocalLauncher)
    # The exchange rates' refresh (in a child process here, wherever the crawls run):
    # None leaves the rates alone.
    rates_interval: timedelta | None = None
    launch_rates: Callable[[], subprocess.Popen] = field(
        default=lambda: subprocess.Popen(RATES_COMMAND, stdout=subprocess.DEVNULL)
    )
    rates_child: subprocess.Popen | None = None
    rates_tried_at: datetime | None = None

    def tick(self) -> list[str]:
        """Start the due crawls, up to `max_parallel` in flight; returns the operators started."""
        running = self.launcher.in_flight()
        with session_scope() as session:
            last_started = last_crawl_starts(session)
            disabled = disabled_operator_codes(session)
            rates_fetched_at = last_fetched_at(session) if self.rates_interval else None
        self._refresh_rates_if_due(rates_fetched_at)
        started = []
        for code in due_operators(self.intervals, last_started, running, disabled, utcnow()):
            if len(running) >= self.max_parallel:
                break
            if self.launcher.launch(code) is None:
                break
            running.add(code)
            started.append(code)
        return started

    def _refresh_rates_if_due(self, fetched_at: datetime | None) -> None:
        if self.rates_child is not None and self.rates_child.poll() is not None:
            outcome = "done" if self.rates_child.returncode == 0 else "failed"
            logger.info("exchange rates refresh %s", outcome)
            self.rates_child = None
        if self.rates_interval is None or self.rates_child is not None:
            return
        now = utcnow()
        if rates_due(self.rates_interval, fetched_at, self.rates_tried_at, now):
            self.rates_child = self.launch_rates()
            self.rates_tried_at = now

    def run(
        self,
        tick_seconds: float = 10.0,
        on_start: Callable[[str], None] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        """Tick until `stop` is set; then start nothing more and wait for the crawls under
        way here (a crawl on a Scrapyd node is the node's) and the rates' refresh."""
        stop = stop or threading.Event()
        while not stop.is_set():
            for code in self.tick():
                if on_start:
                    on_start(code)
            stop.wait(tick_seconds)
        if isinstance(self.launcher, LocalLauncher):
            while self.launcher.in_flight():
                time.sleep(0.2)
        if self.rates_child is not None:
            self.rates_child.wait()
