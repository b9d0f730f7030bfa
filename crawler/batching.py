"""A spider middleware that batches the offers a callback yields."""

from collections.abc import AsyncIterator, Iterable, Iterator

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

    def process_spider_output(self, response, result: Iterable, spider=None):
        batcher = _Batcher(self.stats)
        for output in result:
            yield from batcher.take(output)
        yield from batcher.rest()

    async def process_spider_output_async(self, response, result: AsyncIterator, spider=None):
        batcher = _Batcher(self.stats)
        async for output in result:
            for out in batcher.take(output):
                yield out
        for out in batcher.rest():
            yield out


class _Batcher:
    """Holds offers until a batch is full; lets everything else pass at once."""

    def __init__(self, stats):
        self.stats = stats
        self.offers: list[OfferItem] = []

    def take(self, output) -> Iterator:
        if not isinstance(output, OfferItem):
            yield output
            return
        self.offers.append(output)
        if len(self.offers) >= BATCH_SIZE:
            yield from self.rest()

    def rest(self) -> Iterator[OfferBatch]:
        if self.offers:
            self.stats.inc_value(OFFERS_READ, len(self.offers))
            yield OfferBatch(self.offers)
            self.offers = []
