"""Retries with exponential backoff: an operator in trouble gets room to recover."""

import asyncio

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, the n-th waiting RETRY_BACKOFF_BASE * 2**(n-1) seconds first.

    The wait is asynchronous: other requests go on meanwhile.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)

    async def process_response(self, request, response, spider=None):
        return await self._after_backoff(super().process_response(request, response))

    async def process_exception(self, request, exception, spider=None):
        return await self._after_backoff(super().process_exception(request, exception))

    async def _after_backoff(self, result):
        if isinstance(result, Request):
            await asyncio.sleep(self.backoff_base * 2 ** (result.meta["retry_times"] - 1))
        return result
