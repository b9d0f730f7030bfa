"""Admission to the database: at most N requests of a worker at once, a bounded wait for
the rest, and a quick "busy" for those that cannot get in.

Why: FastAPI runs a sync route in the threadpool, and again to validate what it returned,
while the request's session still holds its pooled connection. When more requests than
connections reach the pool, every thread ends up waiting for a connection while the
holders of the connections wait for a thread (issue 12: nothing answered for the pool's
30 s, then 500s). Requests wait here instead, on the event loop, holding neither a
thread nor a connection; with no more slots than connections, a request let in never
waits for the pool, so it always finishes.
"""

import asyncio
from collections import deque
from contextlib import suppress


class ServerBusy(Exception):
    """No slot within the wait, or too many already waiting: answered 503 with Retry-After."""


class DatabaseAdmission:
    """`slots` requests at once; up to `queue_limit` wait in arrival order, each at most
    `queue_timeout` seconds. Used from one event loop (one per worker process)."""

    def __init__(self, slots: int, queue_limit: int, queue_timeout: float) -> None:
        self.slots = slots
        self.queue_limit = queue_limit
        self.queue_timeout = queue_timeout
        self.in_use = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    async def acquire(self) -> None:
        """Take a slot, waiting in turn; ServerBusy when the queue is full or the wait is over."""
        if self.in_use < self.slots and not self._waiters:
            self.in_use += 1
            return
        if len(self._waiters) >= self.queue_limit:
            raise ServerBusy(f"{len(self._waiters)} requests already waiting")
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(self.queue_timeout):
                await waiter  # release() hands its slot over by setting the result
        except TimeoutError:
            self._give_up(waiter)
            raise ServerBusy(f"no database slot within {self.queue_timeout:g} s") from None
        except BaseException:  # the client went away (cancelled)
            self._give_up(waiter)
            raise

    def release(self) -> None:
        """Hand the slot to the longest waiting request, or free it."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.in_use -= 1

    def _give_up(self, waiter: asyncio.Future[None]) -> None:
        if waiter.done() and not waiter.cancelled():
            self.release()  # the slot arrived just as the wait ended: pass it on
            return
        waiter.cancel()
        with suppress(ValueError):
            self._waiters.remove(waiter)
