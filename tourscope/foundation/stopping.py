"""A clean stop for the long-running commands (`schedule`, `outbox`, `rechecks`, `care`).

`docker stop` and systemd send SIGTERM, a terminal Ctrl+C sends SIGINT: either sets the
event the command's loop waits on, so the item in hand (a mail, a re-check, a care round,
a running crawl) is finished and the command exits 0, instead of dying between the
steps of one item.
"""

import signal
import threading


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT (in the main thread, where handlers are set)."""
    stop = threading.Event()

    def request_stop(_signum, _frame) -> None:
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, request_stop)
    return stop
