"""The loop every worker runs: a round, its report added to the total, a wait, again.

A worker's round returns a report, a dataclass of counts; a round that counted anything
did work, and is reported. The loop stops when `stop` is set (SIGTERM sets it, see
tourscope/foundation/stopping.py), never in the middle of a round.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

Report = TypeVar("Report")


def did_work(report: Any) -> bool:
    return any(getattr(report, field.name) for field in fields(report))


def add_to(total: Any, report: Any) -> None:
    for field in fields(total):
        setattr(total, field.name, getattr(total, field.name) + getattr(report, field.name))


def run_rounds(
    one_round: Callable[[], Report],
    total: Report,
    *,
    interval: float,
    once: bool,
    on_report: Callable[[Report], None] | None,
    stop: threading.Event | None,
    busy_means_again: bool = False,
) -> Report:
    """Run `one_round` until `stop` is set, `interval` seconds apart; with `once`, until a
    round finds nothing more to do (or after one round, unless `busy_means_again`: then a
    round that did work is followed at once by the next, so a burst drains quickly)."""
    stop = stop or threading.Event()
    while not stop.is_set():
        report = one_round()
        add_to(total, report)
        busy = did_work(report)
        if busy and on_report is not None:
            on_report(report)
        if busy and busy_means_again:
            continue
        if once:
            return total
        stop.wait(interval)
    return total
