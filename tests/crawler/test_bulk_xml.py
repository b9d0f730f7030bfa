"""The bulk XML feed spider, fed by hand: chunked Range downloads, gzip members, cut-off feeds."""

import asyncio
import gzip
import logging
import re

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.items import OfferItem
from crawler.spiders.feedline import FeedlineSpider


def offer_element(index: int, **attributes: str) -> str:
    values = {
        "id": f"FL{index:07d}",
        "hotel_code": f"FL-{index:06d}",
        "hotel_name": "GOLDEN SANDS RESORT &amp; SPA",
        "stars": "4",
        "country": "Turkey",
        "resort": "Side",
        "departure": "Moscow",
        "date": "2030-12-05",
        "nights": "7",
        "meal": "All inclusive",
        "room": "Standard Room",
        "adults": "2",
        "children": "1",
        "price": f"{1000 + index}.00",
        "currency": "EUR",
        "stop_sale": "0",
        "seats": "available",
        **attributes,
    }
    return "<offer " + " ".join(f'{k}="{v}"' for k, v in values.items()) + "/>\n"


def feed(count: int = 120, announce: bool = True, close: bool = True) -> bytes:
    """A feed in two gzip members (the head, then the offers), as FeedLine writes it."""
    announced = f' count="{count}"' if announce else ""
    head = f'<?xml version="1.0"?>\n<offers{announced}>\n'
    body = "".join(offer_element(i) for i in range(count)) + ("</offers>\n" if close else "")
    return gzip.compress(head.encode()) + gzip.compress(body.encode())


def make_spider(chunk_size: int, inflate_step: int = 512) -> FeedlineSpider:
    crawler = get_crawler(FeedlineSpider, {"TOURSCOPE_SANDBOX_URL": "http://op.test"})
    spider = FeedlineSpider.from_crawler(crawler)
    spider.chunk_size, spider.inflate_step = chunk_size, inflate_step
    return spider


def first_request(spider) -> Request:
    async def first():
        async for request in spider.start():
            return request

    return asyncio.run(first())


def serve(spider, data: bytes, honour_range: bool = True) -> tuple[list[OfferItem], list[str]]:
    """Run the spider's chunk requests against `data`; the items and the Range headers sent."""
    items, ranges = [], []
    request: Request | None = first_request(spider)
    while request is not None:
        wanted = request.headers["Range"].decode()
        ranges.append(wanted)
        start, end = map(int, re.fullmatch(r"bytes=(\d+)-(\d+)", wanted).groups())
        if honour_range:
            body = data[start : end + 1]
            last = start + len(body) - 1
            headers = {"Content-Range": f"bytes {start}-{last}/{len(data)}", "ETag": '"v1"'}
            response = Response(request.url, 206, headers, body, request=request)
        else:
            response = Response(request.url, 200, {}, data, request=request)
        callback, request = request.callback, None
        for output in callback(response):
            if isinstance(output, Request):
                request = output
            else:
                items.append(output)
    return items, ranges


def test_feed_is_read_in_range_chunks_across_gzip_members():
    data = feed(120)
    spider = make_spider(chunk_size=1000)
    items, ranges = serve(spider, data)
    assert [item.offer_key for item in items] == [f"FL{i:07d}" for i in range(120)]
    chunks = -(-len(data) // 1000)
    assert ranges == [f"bytes={i * 1000}-{i * 1000 + 999}" for i in range(chunks)] and chunks > 1
    assert spider.crawler.stats.get_value("tourscope/expected_items") == 120
    assert spider.crawler.stats.get_value("tourscope/feed_error") is None
    item = items[0]
    assert item.hotel_name == "GOLDEN SANDS RESORT & SPA" and item.hotel_stars == 4
    assert str(item.price) == "1000.00" and item.currency == "EUR"
    assert item.url == "http://op.test/feedline/offer/FL0000000"
    # Read elements are deleted: the tree never holds more than the one being read.
    assert len(spider._root) <= 1


def test_server_ignoring_range_is_read_from_the_whole_body():
    items, ranges = serve(make_spider(chunk_size=1000), feed(120), honour_range=False)
    assert len(items) == 120 and len(ranges) == 1


def test_no_announced_count_leaves_expected_items_unset():
    spider = make_spider(chunk_size=4096)
    items, _ = serve(spider, feed(10, announce=False))
    assert len(items) == 10
    assert spider.crawler.stats.get_value("tourscope/expected_items") is None


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (feed(120)[:-700], "gzip stream cut off"),
        (feed(120, close=False), "XML document not complete"),
        (b"<html><body>Maintenance</body></html>", "not a gzip stream"),
    ],
)
def test_cut_off_or_foreign_feed_is_an_error(caplog, data, problem):
    spider = make_spider(chunk_size=1000)
    with caplog.at_level(logging.ERROR):
        serve(spider, data)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and problem in errors[0]
    assert problem in spider.crawler.stats.get_value("tourscope/feed_error")


def test_stop_sale_flag_and_seats_decide_the_availability():
    offers = [
        offer_element(0, seats="few"),
        offer_element(1, seats="request"),
        offer_element(2, seats="none"),
        offer_element(3, stop_sale="1", seats="few"),
        offer_element(4, stop_sale="1", seats="none"),
    ]
    data = gzip.compress(("<offers>" + "".join(offers) + "</offers>").encode())
    items, _ = serve(make_spider(chunk_size=4096), data)
    assert [item.availability for item in items] == [
        "available",
        "on_request",
        "sold_out",
        "stop_sale",
        "stop_sale",
    ]


def test_export_replaced_during_the_download_is_an_error(caplog):
    spider, data = make_spider(chunk_size=1000), feed(120)

    def chunk(request: Request, etag: str) -> Response:
        start = int(re.search(r"\d+", request.headers["Range"].decode()).group())
        headers = {"Content-Range": f"bytes {start}-{start + 999}/{len(data)}", "ETag": etag}
        return Response(request.url, 206, headers, data[start : start + 1000], request=request)

    request = first_request(spider)
    outputs = list(request.callback(chunk(request, '"v1"')))
    (second,) = [output for output in outputs if isinstance(output, Request)]
    with caplog.at_level(logging.ERROR):
        assert not [o for o in second.callback(chunk(second, '"v2"')) if isinstance(o, Request)]
    assert "the export changed while it was being read" in caplog.text
