"""What every operator reached through a published search protocol shares.

A protocol spider (Tourvisor, Master-Tour, TEZ TOUR) is made for one operator account
(crawler/accounts.py): its endpoint, credentials and sweep. A crawl:
1. plans its queries inside the protocol's limits and the account's request budget
   (crawler/sweep.py; `tourscope crawl NAME --plan` prints the plan and sends nothing);
2. fetches the protocol's reference lists and maps them to Tourscope's codes
   (crawler/reference_mapping.py), yielding them for the store pipeline to keep; an
   unmapped value is counted (`tourscope/unmapped/<kind>`), never dropped silently;
3. sends the planned searches; each protocol reads its answers into OfferItems with the
   country, departure city, meal and resort already mapped through the references.

A refusal by the service (bad credentials, a limit broken) is a *protocol error*: logged
once in plain words and kept as the crawl's failure reason, so the run fails and changes
no offer. The per-minute limit is a hard cap (crawler/ratelimit.py).
"""

import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.accounts import AccountConfigError, OperatorAccount, resolve_credential
from crawler.crawlstats import PROTOCOL_ERROR, UNMAPPED_PREFIX
from crawler.items import ReferenceBatch, ReferenceEntry
from crawler.redaction import redact
from crawler.reference_mapping import map_reference
from crawler.spiders.base.operator import OperatorSpider
from crawler.sweep import ProtocolLimits, SearchQuery, SweepPlan, plan_queries
from models.agency_time import agency_today
from models.catalog.operator_references import MAPPED_KINDS

# Real operators get at most this much of our attention, whatever the sweep asks.
POLITE_SETTINGS = {
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_DELAY": 1.0,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    # A search API used under the agency's own account, not a crawl of web pages.
    "ROBOTSTXT_OBEY": False,
}
GATE_ERRORS = "tourscope/gate_errors/"
SANDBOX_SETTINGS = {"ROBOTSTXT_OBEY": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 4}


@dataclass(frozen=True)
class ActualizationReading:
    """What a protocol's actualization said of one offer: `found` (with its price and
    currency), `gone`, or `no_answer`; `detail` in the operator's own words."""

    outcome: str
    price: Decimal | None = None
    currency: str | None = None
    detail: str = ""


class References:
    """The operator's reference values by kind and id: name and Tourscope code."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, ReferenceEntry]] = {}

    def add(self, entry: ReferenceEntry) -> None:
        self.entries.setdefault(entry.kind, {})[entry.ref_id] = entry

    def get(self, kind: str, ref_id: Any) -> ReferenceEntry | None:
        return self.entries.get(kind, {}).get(str(ref_id))

    def code(self, kind: str, ref_id: Any) -> str | None:
        entry = self.get(kind, ref_id)
        return entry.code if entry else None

    def name(self, kind: str, ref_id: Any) -> str | None:
        entry = self.get(kind, ref_id)
        return entry.name if entry else None

    def id_for(self, kind: str, code: str) -> str | None:
        """The operator's id of one of our codes (a sweep asks in our codes)."""
        return next(
            (ref_id for ref_id, entry in self.entries.get(kind, {}).items() if entry.code == code),
            None,
        )


class SearchApiSpider(OperatorSpider):
    """Base of the protocol spiders; a generated subclass per account sets `account`."""

    protocol: ClassVar[str]
    limits: ClassVar[ProtocolLimits] = ProtocolLimits()
    account: ClassVar[OperatorAccount]
    # For the plan: the reference requests a crawl makes before searching, and the
    # requests one query costs (an estimate where the protocol polls or pages).
    reference_request_count: ClassVar[int] = 0
    requests_per_query: ClassVar[int] = 1
    # One cheap request `tourscope operators check` sends (a reference list, say).
    check_path: ClassVar[str] = ""
    # The check's answer is JSON, in which `refusal` finds the service's "no".
    answers_json: ClassVar[bool] = False
    # The protocol has a hotel-information call, one request a hotel (hotel content).
    asks_hotel_information: ClassVar[bool] = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.references = References()
        self._credentials: dict[str, str] = {}

    @classmethod
    def update_settings(cls, settings) -> None:
        """Under a per-minute cap, requests also leave evenly spaced (window / cap apart).

        The cap (crawler/ratelimit.py) counts a request when it enters the downloader; with
        a download delay, requests could wait there and reach the operator bunched into
        the next minute. Spacing them by the slot's delay keeps any minute under the cap.
        """
        super().update_settings(settings)
        cap = cls.limits.requests_per_minute
        if cap:
            window = settings.getfloat("TOURSCOPE_RATE_WINDOW_SECONDS", 60.0)
            spacing = window * 1.02 / cap
            delay = max(settings.getfloat("DOWNLOAD_DELAY", 0.0), spacing)
            settings.set("DOWNLOAD_DELAY", delay, priority="spider")
            settings.set("RANDOMIZE_DOWNLOAD_DELAY", False, priority="spider")

    @property
    def operator_url(self) -> str:
        return self.account.url(self.settings.get("TOURSCOPE_SANDBOX_URL"))

    @classmethod
    def plan(cls, today: date | None = None) -> SweepPlan:
        """The crawl's queries and request count, without sending anything."""
        queries = plan_queries(cls.account.sweep, cls.limits, today or agency_today())
        return SweepPlan(
            queries=queries,
            reference_requests=cls.reference_request_count,
            requests_per_query=cls.requests_per_query,
            budget=cls.account.sweep.max_requests,
        )

    @classmethod
    def hotel_content_budget(cls) -> int | None:
        """Hotel-information requests a crawl may send: the account's `hotel_info_requests`
        option (default TOURSCOPE_HOTEL_CONTENT_REQUESTS), never more than the sweep leaves
        of its `max_requests`; hotels not asked this crawl are asked on the next ones."""
        wanted = int(cls.account.options.get("hotel_info_requests", super().hotel_content_budget()))
        plan = cls.plan()
        return max(0, min(wanted, plan.budget - plan.request_count))

    @classmethod
    def check_target(cls, sandbox_url: str) -> tuple[str, dict[str, str]]:
        """The URL and parameters of the one request `tourscope operators check` sends."""
        return cls.account.url(sandbox_url) + cls.check_path, {}

    @classmethod
    def check_problem(cls, status: int, body: str) -> str | None:
        """What is wrong with the check's answer, in plain words; None when it is fine."""
        if status >= 400:
            return f"with HTTP {status}"
        if not cls.answers_json:
            return None
        try:
            answer = json.loads(body)
        except ValueError:
            return "not with JSON"
        message = cls.refusal(answer)
        return f"it says {message!r}" if message else None

    @classmethod
    def refusal(cls, answer: Any) -> str | None:
        """The service's refusal in a JSON answer, in its own words; None when it is none."""
        return None

    def credential(self, key: str) -> str:
        """The account's credential, read once a crawl (every request of some protocols
        carries it; a secrets file is not re-read for each)."""
        if key not in self._credentials:
            self._credentials[key] = resolve_credential(self.account, key)
        return self._credentials[key]

    async def start(self) -> AsyncIterator[Any]:
        plan = self.plan()
        if plan.over_budget:
            self.protocol_error(
                f"the sweep needs about {plan.request_count} requests, over its budget of "
                f"{plan.budget}: narrow the sweep or raise sweep.max_requests"
            )
            return
        try:
            async for batch in self.sync_references():
                yield batch
        except AccountConfigError as error:
            self.protocol_error(str(error))
            return
        if self.crawler.stats.get_value(PROTOCOL_ERROR):
            return
        for query in plan.queries:
            if not self.sweep_covers(query):
                continue
            for request in self.search_requests(query):
                yield request

    def sweep_covers(self, query: SearchQuery) -> bool:
        """False (and the reason counted) when the operator does not know the query's place."""
        for kind, code in (("departure", query.departure), ("country", query.country)):
            if self.references.id_for(kind, code) is None:
                key = f"tourscope/sweep_skipped/{kind}_{code}"
                if not self.crawler.stats.get_value(key):
                    self.logger.warning(
                        "The sweep asks for %s %s, which %s does not list: skipped",
                        kind,
                        code,
                        self.account.name,
                    )
                self.crawler.stats.inc_value(key)
                return False
        return True

    # -- what each protocol implements ------------------------------------------------

    async def sync_references(self) -> AsyncIterator[ReferenceBatch]:
        """Fetch the reference lists (with `fetch`), `remember` each, yield the batches."""
        raise NotImplementedError
        yield  # pragma: no cover

    def search_requests(self, query: SearchQuery) -> Iterable[scrapy.Request]:
        raise NotImplementedError

    def actualization_request(self, offer_key: str) -> scrapy.Request | None:
        """The protocol's own re-check of one offer, or None when it has none."""
        return None

    def read_actualization(self, response: Response) -> ActualizationReading:
        raise NotImplementedError

    # -- shared helpers ---------------------------------------------------------------

    async def fetch(self, request: scrapy.Request) -> Response:
        """Download outside the callback chain (reference lists, before any search)."""
        return await self.crawler.engine.download_async(request)

    def remember(
        self,
        kind: str,
        values: Iterable[tuple[Any, str, dict[str, Any]]],
        country: str | None = None,
    ) -> ReferenceBatch:
        """Map one reference list (operator id, name, extra data), keep it, count the unmapped.

        For regions and hotels, the country is read from each value's data["country"] (an
        operator country id) unless `country` (our code) is given.
        """
        entries = []
        for ref_id, name, data in values:
            name = " ".join(str(name).split())
            where = country or self.references.code("country", data.get("country"))
            code = map_reference(kind, name, where)
            if kind == "country" and code is None and data.get("iso"):
                code = str(data["iso"]).upper()  # a protocol that gives ISO codes itself
            entry = ReferenceEntry(kind, str(ref_id), name, code, data)
            self.references.add(entry)
            entries.append(entry)
            if code is None and kind in MAPPED_KINDS:
                self.crawler.stats.inc_value(UNMAPPED_PREFIX + kind)
                self.logger.info("Unmapped %s %s %r: kept, not used", kind, ref_id, name)
        return ReferenceBatch(entries)

    def read_json_object(self, response: Response) -> dict[str, Any] | None:
        """The answer as a JSON object; None (logged and counted) when it is not one."""
        try:
            answer = response.json()
        except (AttributeError, ValueError):
            self.answer_error("malformed_json", "Malformed JSON", response)
            return None
        if not isinstance(answer, dict):
            self.answer_error("unexpected_json", "Expected a JSON object", response)
            return None
        return answer

    def answer_error(self, reason: str, message: str, response: Response | None = None) -> None:
        """An answer the crawl cannot use: logged (with the URL, credentials masked, and the
        start of the body) and counted as `tourscope/gate_errors/<reason>`; the quality
        gate then fails the run."""
        if response is not None:
            body = response.text[:200] if hasattr(response, "text") else ""
            message = f"{message} ({redact(response.url)}): {body!r}"
        self.logger.error("%s", message)
        self.crawler.stats.inc_value(GATE_ERRORS + reason)

    def request_failed(self, failure: Failure) -> None:
        """A request that failed for good (after retries): the crawl cannot be complete."""
        url = redact(failure.request.url)
        self.answer_error("request_failed", f"Request to {url} failed: {failure.getErrorMessage()}")

    def protocol_error(self, message: str) -> None:
        """The service refused us: one plain line in the log, and the crawl's failure reason."""
        stats = self.crawler.stats
        if not stats.get_value(PROTOCOL_ERROR):
            stats.set_value(PROTOCOL_ERROR, f"{self.account.name}: {message}")
        self.logger.error("%s refused the request: %s", self.account.name, message)
