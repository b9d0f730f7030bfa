"""A hard cap on requests a minute, for protocols that document one (TEZ TOUR: 50).

The minute is TOURSCOPE_RATE_WINDOW_SECONDS long: 60 against real operators; the tests
shrink it together with the replica's to stay quick.

AutoThrottle adapts to latency; it does not know an operator's quota. A spider with
`limits.requests_per_minute` gets at most that many requests started in any 60 seconds:
a request over the cap waits (asynchronously, other work goes on) for the oldest to age out.
"""

import asyncio
import time
from collections import deque


class RequestRateCap:
    def __init__(self, crawler):
        self.crawler = crawler
        self.started: deque[float] = deque()
        self.lock = asyncio.Lock()
        window = crawler.settings.getfloat("TOURSCOPE_RATE_WINDOW_SECONDS", 60.0)
        # A little longer than the operator's minute: the operator counts a request when it
        # arrives, this cap when it leaves for the downloader some milliseconds earlier.
        self.window = window + max(0.15, window * 0.02)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def cap(self) -> int | None:
        limits = getattr(self.crawler.spider, "limits", None)
        return getattr(limits, "requests_per_minute", None)

    async def process_request(self, request, spider=None):
        cap = self.cap()
        if not cap:
            return None
        async with self.lock:  # one waiter at a time keeps the order of requests
            while True:
                now = time.monotonic()
                while self.started and now - self.started[0] >= self.window:
                    self.started.popleft()
                if len(self.started) < cap:
                    self.started.append(now)
                    return None
                self.crawler.stats.inc_value("tourscope/rate_cap_waits")
                await asyncio.sleep(self.window - (now - self.started[0]) + 0.01)
