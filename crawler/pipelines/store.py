"""Store offers in batches and keep the crawl-run record.

Offers go to a staging table while the crawl runs. When the spider closes, the run is
judged (crawler/quality.py): a good run is merged into the live catalogue in one
set-based statement, the operator's offers it did not see are deactivated and the
cheapest prices of the hotels it touched are refreshed, all in one transaction; a bad
run is discarded, so a failed crawl never changes or deletes good offers.

Hotel content (already validated) waits for the run's verdict too: a good run keeps
what the operator said of each hotel (fields it left out keep their values), a failed
one keeps nothing (its hotels are asked again next time), so a cut-off page never
replaces a hotel's photos. Then the hotels whose content changed, or that gained aliases
(content read before a hotel's first offer counts now), get their merged content anew
(models/catalog/hotel_content.py).
"""

import logging
import time
from contextlib import ExitStack
from datetime import date, datetime
from decimal import Decimal

from scrapy import signals
from scrapy.exceptions import CloseSpider
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.crawlstats import (
    CONTENT_PREFIX,
    EXPECTED_OFFERS,
    FIRST_ERROR,
    OFFERS_DROPPED,
    OFFERS_READ,
    OFFERS_STAGED,
    PROTOCOL_ERROR,
    SPIDER_ERRORS,
)
from crawler.hotel_settling import settle_resorts
from crawler.items import HotelContentItem, OfferBatch, OfferItem, ReferenceBatch
from crawler.matching import HotelMatcher
from crawler.place_names import fill_russian_place_names
from crawler.quality import CrawlOutcome, failure_reason
from crawler.references import ReferenceCache, ensure_operator
from models import CrawlRun, CrawlStatus
from models.alerts.workflow import queue_price_alert_digests
from models.base import utcnow
from models.catalog.display_names import refresh_display_names
from models.catalog.hotel_content import (
    CONTENT_FIELDS,
    hotels_of_codes,
    refresh_hotel_content,
    save_operator_content,
)
from models.catalog.hotel_merges import follow_merges
from models.catalog.operator_references import save_operator_references
from models.crawls.ingest import (
    abandon_interrupted_runs,
    discard_staged_offers,
    land_staged_offers,
    stage_offers,
)
from models.crawls.locks import exclusive_lock
from models.db import get_sessionmaker

logger = logging.getLogger(__name__)

ANOTHER_CRAWL_RUNNING = "another crawl of it is running"
SKIPPED = "skipped"


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = crawler.settings.getint("TOURSCOPE_BATCH_SIZE", 1000)
        self.buffer: list[dict] = []
        # The hotels' content read this crawl, by hotel code, kept if the run succeeds.
        self.contents: dict[str, HotelContentItem] = {}
        # The operator's crawl lock, held from the spider's opening to the run's record.
        self.lock = ExitStack()
        self.skipped = False
        crawler.signals.connect(self.finish_run, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        # One crawl of an operator at a time, however it was started (the CLI, the
        # scheduler, a Scrapyd node) and on whichever machine: taken before anything else,
        # as a second crawl would take the running one's run for an interrupted one.
        if not self.lock.enter_context(exclusive_lock(f"crawl:{spider.name}")):
            self.skipped = True
            self.stats.set_value("tourscope/status", SKIPPED)
            self.stats.set_value("tourscope/failure", ANOTHER_CRAWL_RUNNING)
            logger.warning("Not crawling %s: %s", spider.name, ANOTHER_CRAWL_RUNNING)
            raise CloseSpider(SKIPPED)
        self.session: Session = get_sessionmaker()()
        operator = ensure_operator(
            self.session, spider.name, spider.operator_name, spider.operator_url
        )
        self.operator_id = operator.id
        abandon_interrupted_runs(self.session, operator.id)
        self.run = CrawlRun(operator_id=operator.id, started_at=utcnow(), stats={})
        self.session.add(self.run)
        self.session.commit()
        # Places created before they had Russian names get them (crawler/place_names.py).
        fill_russian_place_names(self.session)
        self.references = ReferenceCache(self.session)
        self.matcher = HotelMatcher(self.session, operator.id)
        self.session.commit()  # end the read transaction: other spiders write meanwhile
        self.stats.set_value("tourscope/crawl_run_id", self.run.id)

    def process_item(self, batch: OfferBatch | ReferenceBatch | HotelContentItem):
        if isinstance(batch, ReferenceBatch):
            self.store_references(batch)
            return batch
        if isinstance(batch, HotelContentItem):
            self.contents[batch.hotel_code] = batch
            return batch
        for offer in batch.offers:
            self.buffer.append(self.staged_row(offer))
        if len(self.buffer) >= self.batch_size:
            self.flush()
        # Hotels and aliases met in this batch are committed with it. Nothing yields to
        # the reactor inside a batch, so on SQLite no write transaction stays open while
        # another spider of this process wants to write.
        self.session.commit()
        return batch

    def store_references(self, batch: ReferenceBatch) -> None:
        """Keep a protocol operator's reference list with its mapping (for the health page)."""
        rows = [
            {"kind": e.kind, "ref_id": e.ref_id, "name": e.name, "code": e.code, "data": e.data}
            for e in batch.entries
        ]
        save_operator_references(self.session, self.operator_id, rows, utcnow())
        self.session.commit()

    def store_contents(self) -> None:
        """Keep what the operator said of each hotel this crawl; merge the content anew of
        the hotels it changed and of those that gained aliases."""
        now, changed = utcnow(), set()
        for code, item in self.contents.items():
            content = {name: getattr(item, name) for name in CONTENT_FIELDS}
            if save_operator_content(self.session, self.operator_id, code, content, now):
                changed.add(code)
        self.stats.inc_value(CONTENT_PREFIX + "stored", len(self.contents))
        codes = changed | self.matcher.codes_given_aliases
        if codes:
            hotels = hotels_of_codes(self.session, self.operator_id, codes)
            self.stats.set_value(
                CONTENT_PREFIX + "hotels_changed", refresh_hotel_content(self.session, hotels)
            )

    def staged_row(self, item: OfferItem) -> dict:
        resort_id = self.references.resort_id(item.country_code, item.resort)
        hotel_code = item.hotel_code or item.hotel_name_clean
        hotel_id = self.matcher.hotel_id(
            hotel_code, item.hotel_name, item.hotel_name_clean, item.hotel_stars, resort_id
        )
        return {
            "crawl_run_id": self.run.id,
            "operator_id": self.operator_id,
            "offer_key": item.offer_key,
            "hotel_id": hotel_id,
            "country_id": self.references.country_id(item.country_code),
            "resort_id": resort_id,
            "stars": self.matcher.stars[hotel_id],
            "departure_city_id": self.references.departure_city_id(
                item.departure_city_code, item.departure_city
            ),
            "departure_date": item.departure_date,
            "nights": item.nights,
            "meal": item.meal,
            "room_type": item.room_type,
            "adults": item.adults,
            "children": item.children,
            "price": item.price,
            "surcharge": item.surcharge or 0,
            "availability": item.availability,
            "currency": item.currency,
            "price_base": item.price_base,
            "url": item.url,
        }

    def flush(self) -> None:
        stage_offers(self.session, self.buffer)
        self.session.commit()
        self.stats.inc_value(OFFERS_STAGED, len(self.buffer))
        self.buffer.clear()

    def close_spider(self) -> None:
        if not self.skipped:
            self.flush()

    def finish_run(self, spider, reason: str) -> None:
        """Judge the run, then merge or discard its offers and record the outcome."""
        if self.skipped:
            return
        try:
            self._judge_run(spider, reason)
        finally:
            self.lock.close()

    def _judge_run(self, spider, reason: str) -> None:
        session, run, stats = self.session, self.run, self.stats
        outcome = CrawlOutcome(
            finish_reason=reason,
            items_scraped=stats.get_value(OFFERS_READ, 0),
            items_staged=stats.get_value(OFFERS_STAGED, 0),
            items_dropped=stats.get_value(OFFERS_DROPPED, 0),
            error_count=stats.get_value(SPIDER_ERRORS, 0),
            expected_items=stats.get_value(EXPECTED_OFFERS),
            last_good_items=self._last_good_items(),
            protocol_error=stats.get_value(PROTOCOL_ERROR),
            first_error=stats.get_value(FIRST_ERROR),
            log_file=self.crawler.settings.get("LOG_FILE"),
        )
        try:
            problem = failure_reason(outcome)
            now = utcnow()
            if problem is None:
                started = time.perf_counter()
                follow_merges(session, run.id)  # an admin may have merged hotels meanwhile
                # Hotels given new aliases may have a cleaner spelling now.
                refresh_display_names(session, self.matcher.hotels_given_aliases)
                self.store_contents()
                # Offers, then the hotels' cheapest prices and the catalogue's generation:
                # last before the commit, as it makes concurrent landings take turns.
                landing = land_staged_offers(session, self.operator_id, run.id, now)
                run.items_stored = landing.stored
                run.offers_deactivated = landing.deactivated
                run.status = CrawlStatus.SUCCEEDED
                logger.info(
                    "Merged %d offers of %s in %.2f s; %d no longer offered",
                    run.items_stored,
                    spider.name,
                    time.perf_counter() - started,
                    run.offers_deactivated,
                )
            else:
                logger.error(
                    "Crawl of %s failed, live offers left as they were: %s",
                    spider.name,
                    problem,
                    extra={"spider": spider},
                )
                run.status = CrawlStatus.FAILED
                run.error_message = problem
                if self.contents:
                    logger.info(
                        "Content of %d hotels of %s not kept: the crawl failed",
                        len(self.contents),
                        spider.name,
                    )
                discard_staged_offers(session, run.id)
            run.finished_at = now
            run.items_scraped = outcome.items_scraped
            run.items_dropped = outcome.items_dropped
            run.error_count = outcome.error_count
            run.stats = _jsonable(stats.get_stats())
            session.commit()
            self._settle_hotels()
            if run.status == CrawlStatus.SUCCEEDED:
                self._queue_price_alerts()
        except Exception:
            session.rollback()
            logger.exception("Could not record crawl run %s", run.id, extra={"spider": spider})
            raise
        finally:
            stats.set_value("tourscope/status", run.status)
            stats.set_value("tourscope/stored", run.items_stored)
            stats.set_value("tourscope/deactivated", run.offers_deactivated)
            if run.error_message:
                stats.set_value("tourscope/failure", run.error_message)
            session.close()

    def _settle_hotels(self) -> None:
        """Regroup the hotels of resorts this crawl brought new aliases to, so that the
        catalogue does not depend on which operator came first (crawler/hotel_settling.py).
        Offers are already stored: a failure here is logged and the next crawl retries."""
        resorts = self.matcher.resorts_given_aliases
        if not resorts:
            return
        try:
            moved = settle_resorts(self.session, resorts)
            self.session.commit()
            self.stats.set_value("tourscope/aliases_settled", moved)
        except Exception:
            self.session.rollback()
            logger.exception("Could not settle the hotels of %d resorts", len(resorts))

    def _queue_price_alerts(self) -> None:
        """The price-alert digests of what this landing made cheaper
        (models/alerts/workflow.py). Offers are already stored: a failure here is
        logged, and the next landing or `tourscope care` round sends them."""
        try:
            digests = queue_price_alert_digests(self.session)
            self.session.commit()
            self.stats.set_value("tourscope/price_alert_digests", digests)
        except Exception:
            self.session.rollback()
            logger.exception("Could not queue the price-alert digests")

    def _last_good_items(self) -> int | None:
        return self.session.scalar(
            select(CrawlRun.items_stored)
            .where(
                CrawlRun.operator_id == self.operator_id,
                CrawlRun.status == CrawlStatus.SUCCEEDED,
            )
            .order_by(CrawlRun.id.desc())
            .limit(1)
        )


def _jsonable(stats: dict) -> dict:
    def convert(value):
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        return value

    return {key: convert(value) for key, value in stats.items()}
