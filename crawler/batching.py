"""A spider middleware that batches the offers a callback yields."""

from collections.abc import AsyncIterator, Iterable

from crawler.crawlstats import OFFERS_READ
from crawler.items import OfferBatch, OfferItem

BATCH_SIZE = 500


class OfferBatchMiddleware:
    """Groups each callback's OfferItems into OfferBatches; everything else passes through."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def _batch(self, offers: list[OfferItem]) -> OfferBatch:
        self.stats.inc_value(OFFERS_READ, len(offers))
        return OfferBatch(offers)

    def process_spider_output(self, response, result: Iterable, spider=None):
        offers: list[OfferItem] = []
        for output in result:
            if isinstance(output, OfferItem):
                offers.append(output)
                if len(offers) >= BATCH_SIZE:
                    yield self._batch(offers)
                    offers = []
            else:
                yield output
        if offers:
            yield self._batch(offers)

    async def process_spider_output_async(self, response, result: AsyncIterator, spider=None):
        offers: list[OfferItem] = []
        async for output in result:
            if isinstance(output, OfferItem):
                offers.append(output)
                if len(offers) >= BATCH_SIZE:
                    yield self._batch(offers)
                    offers = []
            else:
                yield output
        if offers:
            yield self._batch(offers)
