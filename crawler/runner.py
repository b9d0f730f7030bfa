"""Run crawls in this process with a live progress display, and summarize them."""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.project import get_project_settings

from crawler.crawlstats import (
    DROPPED_PREFIX,
    EXPECTED_OFFERS,
    OFFERS_DROPPED,
    OFFERS_READ,
    SKIPPED_PREFIX,
)
from tourscope.foundation.settings import get_settings


@dataclass
class CrawlSummary:
    operator: str
    status: str
    scraped: int
    stored: int
    dropped: int
    deactivated: int
    failure: str | None
    drop_reasons: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)


class UnknownOperatorError(ValueError):
    pass


def project_settings():
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    return get_project_settings()


def available_operators() -> list[str]:
    return sorted(get_spider_loader(project_settings()).list())


def load_spider_class(code: str):
    """The spider class of an operator; UnknownOperatorError when there is none."""
    loader = get_spider_loader(project_settings())
    if code not in loader.list():
        known = ", ".join(sorted(loader.list()))
        raise UnknownOperatorError(f"unknown operator {code!r}; known: {known}")
    return loader.load(code)


def sandbox_places() -> dict[str, str]:
    """Operator code -> its operator's code in the sandbox, for operators served there (a
    protocol account on a replica: `tourvisor_demo` -> `tourvisor`)."""
    places = {}
    loader = get_spider_loader(project_settings())
    for code in loader.list():
        spider = loader.load(code)
        account = getattr(spider, "account", None)
        if account is None:
            places[code] = spider.sandbox_path.strip("/") if not spider.base_url else None
        elif account.on_sandbox:
            places[code] = account.endpoint.removeprefix("sandbox:").strip("/")
    return {code: place for code, place in sorted(places.items()) if place}


def crawl_intervals() -> dict[str, float]:
    """Minutes between crawls of each operator: settings override spider, spider default."""
    settings = get_settings()
    loader = get_spider_loader(project_settings())
    return {
        code: settings.crawl_intervals.get(code)
        or getattr(loader.load(code), "crawl_interval_minutes", None)
        or settings.crawl_interval_minutes
        for code in sorted(loader.list())
    }


def run_crawls(
    operators: list[str],
    log_file: Path | None = None,
    on_progress: Callable[[str, int, int, int | None], None] | None = None,
) -> list[CrawlSummary]:
    """Crawl each operator (concurrently, in one reactor); blocks until all are done.

    `on_progress(operator, scraped, dropped, expected)` is called as items flow.
    """
    settings = project_settings()
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        settings.set("LOG_FILE", str(log_file))
        settings.set("LOG_FILE_APPEND", True)
    process = CrawlerProcess(settings)
    known = set(process.spider_loader.list())
    unknown = [name for name in operators if name not in known]
    if unknown:
        raise UnknownOperatorError(
            f"unknown operator {', '.join(map(repr, unknown))}; known: {', '.join(sorted(known))}"
        )
    # Each crawl takes its operator's lock itself (crawler/pipelines/store.py): one that
    # finds it held ends at once and reports itself skipped.
    crawlers = []
    for name in operators:
        crawler = process.create_crawler(name)
        if on_progress is not None:
            _report_progress(crawler, name, on_progress)
        crawlers.append(crawler)
        process.crawl(crawler)
    process.start()
    summaries = [_summary(c.spidercls.name, c.stats.get_stats()) for c in crawlers]
    return sorted(summaries, key=lambda summary: summary.operator)


def _report_progress(crawler, name: str, on_progress) -> None:
    def report(*_args, **_kwargs) -> None:
        stats = crawler.stats
        dropped = stats.get_value(OFFERS_DROPPED, 0)
        read = stats.get_value(OFFERS_READ, 0)
        on_progress(name, read - dropped, dropped, stats.get_value(EXPECTED_OFFERS))

    # One signal per batch of offers, after the pipelines have seen it.
    crawler.signals.connect(report, signal=signals.item_scraped, weak=False)


def _summary(name: str, stats: dict) -> CrawlSummary:
    return CrawlSummary(
        operator=name,
        status=stats.get("tourscope/status", "failed"),
        scraped=stats.get(OFFERS_READ, 0),
        stored=stats.get("tourscope/stored", 0),
        dropped=stats.get(OFFERS_DROPPED, 0),
        deactivated=stats.get("tourscope/deactivated", 0),
        failure=stats.get("tourscope/failure")
        or (None if "tourscope/status" in stats else "the crawl could not start, see the log"),
        drop_reasons={
            key.removeprefix(DROPPED_PREFIX): value
            for key, value in stats.items()
            if key.startswith(DROPPED_PREFIX)
        },
        skipped={
            key.removeprefix(SKIPPED_PREFIX): value
            for key, value in stats.items()
            if key.startswith(SKIPPED_PREFIX)
        },
    )
