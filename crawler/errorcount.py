"""Count the errors each spider logs, so one broken operator fails only its own crawl.

Scrapy's `log_count/ERROR` counts every error logged in the process: with several
crawls in one process (`tourscope crawl A B`, `--all`), one broken operator would fail
every healthy one. This extension counts, into `tourscope/errors`, only the errors that
name this spider: Scrapy's own messages (failed downloads, callback and pipeline
exceptions) and a spider's `self.logger` carry it. Our own modules log a spider's
errors with `extra={"spider": spider}`.
"""

import logging

from scrapy import signals

from crawler.crawlstats import SPIDER_ERRORS


class _SpiderErrorHandler(logging.Handler):
    def __init__(self, crawler):
        super().__init__(level=logging.ERROR)
        self.crawler = crawler

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "spider", None) is self.crawler.spider:
            self.crawler.stats.inc_value(SPIDER_ERRORS)


class SpiderErrorCounter:
    def __init__(self, crawler):
        self.crawler = crawler
        self.handler = _SpiderErrorHandler(crawler)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        # Before the store pipeline judges the run (it listens to spider_closed too, and
        # extensions are connected first).
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def opened(self, spider) -> None:
        self.crawler.stats.set_value(SPIDER_ERRORS, 0)
        logging.getLogger().addHandler(self.handler)

    def closed(self, spider) -> None:
        logging.getLogger().removeHandler(self.handler)
