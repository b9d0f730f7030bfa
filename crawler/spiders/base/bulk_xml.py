"""Operators that publish one bulk gzip XML export of their whole catalogue."""

import re
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import ClassVar

import scrapy
from lxml import etree
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.crawlstats import EXPECTED_OFFERS
from crawler.items import OfferItem
from crawler.spiders.base.operator import OperatorSpider

_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")
_TRUE = {"1", "true", "yes", "y"}
_INPUT_STEP = 64 * 1024
FEED_ERROR = "tourscope/feed_error"  # why the feed could not be read to its end


class FeedBroken(Exception):
    """The export cannot be read on: cut off, not gzip, not XML, or changed mid-download."""


class BulkXmlFeedSpider(OperatorSpider):
    """Streams a gzip XML export, one element per offer, in flat memory whatever its size.

    The file is fetched in `chunk_size` HTTP Range requests, one after another (each
    requested when the previous one is parsed, so bytes are fed in order). Every chunk
    goes through one gzip decompressor and one lxml pull parser, a slice of at most
    `inflate_step` bytes at a time; each completed offer element becomes an item and is
    then deleted, so memory holds one chunk and a few elements. A server that ignores
    Range and answers 200 with the whole file is read the same way (that body, though,
    is held whole). A feed that ends before its gzip stream and its XML are complete is
    logged as an error, which makes the crawl fail its quality check and leaves the live
    offers untouched.

    A leaf spider sets `feed_path`, `field_attributes` (raw field -> attribute of the
    offer element) and `link_template` (the deep link's path, formatted with the
    element's attributes). `availability_flags` names attributes that, when true, decide
    the availability on their own (attribute -> availability, e.g. a stop-sale flag).
    When the root element carries `count_attribute`, it is the announced offer count.
    """

    feed_path: ClassVar[str]
    offer_tag: ClassVar[str] = "offer"
    count_attribute: ClassVar[str | None] = "count"
    field_attributes: ClassVar[dict[str, str]]
    link_template: ClassVar[str]
    availability_flags: ClassVar[dict[str, str]] = {}
    chunk_size: ClassVar[int] = 4 * 1024 * 1024
    inflate_step: ClassVar[int] = 256 * 1024  # decompressed bytes handed to the parser at once

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self._inflater = _gunzip()
        self._parser = etree.XMLPullParser(events=("start", "end"), remove_comments=True)
        self._root: etree._Element | None = None
        self._offset = 0  # bytes of the file read so far
        self._etag: bytes | None = None
        yield self._chunk_request()

    def _chunk_request(self) -> scrapy.Request:
        end = self._offset + self.chunk_size - 1
        return scrapy.Request(
            self.operator_url + self.feed_path,
            headers={"Range": f"bytes={self._offset}-{end}"},
            callback=self.parse_chunk,
            errback=self.chunk_failed,
            # Every chunk has the same URL; the duplicate filter would drop all but one.
            dont_filter=True,
        )

    def parse_chunk(self, response: Response) -> Iterator[OfferItem | scrapy.Request]:
        try:
            total = self._accept(response)
            yield from self._feed(response.body)
            self._offset += len(response.body)
            more = total is None or self._offset < total
            if total is None and response.status == 206:
                more = len(response.body) == self.chunk_size
            if more:
                yield self._chunk_request()
            else:
                yield from self._finish()
        except FeedBroken as problem:
            self.logger.error("Feed %s unreadable: %s", response.url, problem)
            self.crawler.stats.set_value(FEED_ERROR, str(problem))

    def chunk_failed(self, failure: Failure) -> None:
        problem = failure.getErrorMessage()
        if failure.check(HttpError):
            problem = f"HTTP {failure.value.response.status}"
        self.logger.error(
            "Feed chunk from byte %d could not be downloaded: %s", self._offset, problem
        )
        self.crawler.stats.set_value(FEED_ERROR, "download failed")

    def _accept(self, response: Response) -> int | None:
        """The file's total size (None when the server does not say); checks the chunk fits."""
        etag = response.headers.get("ETag")
        if self._etag and etag and etag != self._etag:
            raise FeedBroken("the export changed while it was being read")
        self._etag = self._etag or etag
        if response.status == 200:
            if self._offset:
                raise FeedBroken("the server stopped honouring Range requests mid-file")
            return len(response.body)  # Range ignored: this is the whole file
        match = _CONTENT_RANGE.fullmatch(
            response.headers.get("Content-Range", b"").decode("latin-1").strip()
        )
        if not match or int(match.group(1)) != self._offset:
            raise FeedBroken(f"unexpected Content-Range {response.headers.get('Content-Range')}")
        return None if match.group(3) == "*" else int(match.group(3))

    def _feed(self, data: bytes) -> Iterator[OfferItem]:
        try:
            for xml in self._inflate(data):
                self._parser.feed(xml)
                yield from self._offers()
        except zlib.error as error:
            raise FeedBroken(f"not a gzip stream ({error})") from None
        except etree.XMLSyntaxError as error:
            raise FeedBroken(f"broken XML ({error})") from None

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        """Decompressed slices of `data`, across gzip members (a file may hold several)."""
        view = memoryview(data)
        # Small input slices keep zlib's copies of the unread input (unconsumed_tail) small.
        for start in range(0, len(view), _INPUT_STEP):
            yield from self._inflate_slice(view[start : start + _INPUT_STEP])

    def _inflate_slice(self, data: bytes | memoryview) -> Iterator[bytes]:
        while True:
            if self._inflater.eof and data:
                self._inflater = _gunzip()
            inflater = self._inflater
            xml = inflater.decompress(data, self.inflate_step)
            if xml:
                yield xml
            data = inflater.unused_data if inflater.eof else inflater.unconsumed_tail
            # A full slice may leave output inside zlib even when the input is used up.
            if not data and (inflater.eof or len(xml) < self.inflate_step):
                return

    def _offers(self) -> Iterator[OfferItem]:
        for event, element in self._parser.read_events():
            if event == "start":
                if self._root is None:
                    self._root = element
                    self._announce(element)
                continue
            if element.tag != self.offer_tag:
                continue
            yield self.parse_offer(dict(element.attrib))
            # Forget the element and those before it, or the tree grows with the file.
            element.clear(keep_tail=True)
            parent = element.getparent()
            while element.getprevious() is not None:
                del parent[0]

    def _announce(self, root: etree._Element) -> None:
        count = root.get(self.count_attribute) if self.count_attribute else None
        if count and count.strip().isdigit():
            self.crawler.stats.set_value(EXPECTED_OFFERS, int(count))

    def _finish(self) -> Iterator[OfferItem]:
        if not self._inflater.eof:
            raise FeedBroken(f"gzip stream cut off after {self._offset} bytes")
        try:
            self._parser.close()
        except etree.XMLSyntaxError as error:
            raise FeedBroken(f"XML document not complete ({error})") from None
        yield from self._offers()

    def parse_offer(self, attributes: dict[str, str]) -> OfferItem:
        raw = {field: attributes.get(name) for field, name in self.field_attributes.items()}
        link = self.operator_url + self.link_template.format_map(_Blank(attributes))
        item = self.make_offer(raw, link)
        for name, availability in self.availability_flags.items():
            if (attributes.get(name) or "").strip().lower() in _TRUE:
                item.availability = availability
                break
        return item


class _Blank(dict):
    """Attributes for a link template; a missing one reads as empty (validation drops it)."""

    def __missing__(self, key: str) -> str:
        return ""


def _gunzip():
    return zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
