"""Which hotels' content a crawl asks its operator for: new or stale ones, once each,
within a budget of requests.

Hotel content changes slowly and costs requests that a protocol account pays from its
quota, so a crawl does not read it for every hotel every time: only for a hotel whose
content this operator never gave, or gave longer ago than
`TOURSCOPE_HOTEL_CONTENT_MAX_AGE_DAYS`, and at most `budget` extra requests a crawl (the
rest come on later crawls). Content carried in the listing itself costs no request and
is only bounded by freshness.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta

from crawler.crawlstats import CONTENT_PREFIX
from models.base import utcnow


class ContentSchedule:
    def __init__(
        self,
        checked_at: Mapping[str, datetime],
        max_age: timedelta,
        budget: int | None,
        stats,
        now: datetime | None = None,
    ):
        now = now or utcnow()
        self.fresh = {code for code, when in checked_at.items() if now - when < max_age}
        self.budget = budget
        self.stats = stats
        self.asked: set[str] = set()
        self.deferred: set[str] = set()  # wanted, but over budget: a later crawl asks
        self.requests = 0

    def wants(self, hotel_code: str, *, costs_request: bool = True) -> bool:
        """True (and counted) when the crawl should read this hotel's content now."""
        if hotel_code in self.asked:
            return False
        if hotel_code in self.fresh:
            self.asked.add(hotel_code)
            self.stats.inc_value(CONTENT_PREFIX + "fresh")
            return False
        if costs_request:
            if self.budget is not None and self.requests >= self.budget:
                if hotel_code not in self.deferred:
                    self.deferred.add(hotel_code)
                    self.stats.inc_value(CONTENT_PREFIX + "over_budget")
                return False
            self.requests += 1
            self.stats.inc_value(CONTENT_PREFIX + "requests")
        self.asked.add(hotel_code)
        self.stats.inc_value(CONTENT_PREFIX + "asked")
        return True

    def stop_asking(self) -> None:
        """No more requests this crawl (the operator refused one, say)."""
        self.budget = self.requests
