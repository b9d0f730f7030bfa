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

from crawler.crawlstats import FIRST_ERROR, SPIDER_ERRORS

FIRST_ERROR_LENGTH = 300


class _SpiderErrorHandler(logging.Handler):
    def __init__(self, crawler):
        super().__init__(level=logging.ERROR)
        self.crawler = crawler

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "spider", None) is self.crawler.spider:
            stats = self.crawler.stats
            stats.inc_value(SPIDER_ERRORS)
            if stats.get_value(FIRST_ERROR) is None:
                stats.set_value(FIRST_ERROR, _one_line(record))


def _one_line(record: logging.LogRecord) -> str:
    """The error as an admin reads it on the crawl-health page: the message, and the
    exception's type and text when one was logged with it."""
    try:
        message = record.getMessage()
    except Exception:  # a record whose arguments do not fit its message
        message = str(record.msg)
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        message = f"{message}: {type(error).__name__}: {error}"
    message = " ".join(message.split())
    if len(message) > FIRST_ERROR_LENGTH:
        message = message[: FIRST_ERROR_LENGTH - 1] + "…"
    return message


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
