"""Crawls of TEZ TOUR's public tour search (the replica in sandbox/operators/teztour.py),
into SQLite and PostgreSQL; parsing of the documentation's own examples."""

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from crawler.runner import load_spider_class
from crawler.spiders.base.teztour import read_classes, read_meals, read_reference_list
from crawler.sweep import SweepConfig
from models import CrawlRun
from models.agency_time import agency_today
from models.catalog.operator_references import OperatorReference
from sandbox.operators.teztour import PROFILE
from tests.crawler.cli import run_tourscope
from tests.crawler.conftest import offers_by_key, published
from tests.sandbox.test_teztour import params as tez_params

EXAMPLES = Path(__file__).parent / "protocol_examples" / "teztour"
DEMO = "teztour_demo"
PRICE_OFFER_BASE = 21_000_000  # the replica's priceOfferId of catalogue slot 0


@pytest.fixture(autouse=True)
def fresh_quota(request):
    """Each test starts with an unused TEZ minute: the replica counts requests per address
    across the whole session, as TEZ would, and the crawls of earlier tests add up."""
    if "sandbox" not in request.fixturenames:
        yield
        return
    client = request.getfixturevalue("sandbox").client
    client.put("/_sandbox/teztour/requests", json={}).raise_for_status()
    yield
    client.put("/_sandbox/teztour/requests", json={}).raise_for_status()


def catalogue_key(offer_key: str) -> str:
    """The replica's catalogue key of a crawled offer (its priceOfferId is the slot)."""
    return f"{PROFILE.key_prefix}{int(offer_key.rsplit('-', 1)[1]) - PRICE_OFFER_BASE:07d}"


def swept(sandbox, size: int = 300, **control) -> dict:
    """The replica's offers the demo sweep asks for: MOW -> TR, EG, 3..30 days, 6..14 nights,
    two adults."""
    today = agency_today()
    return {
        key: offer
        for key, offer in published(sandbox, PROFILE, size=size, **control).items()
        if offer.departure_city_code == "MOW"
        and offer.hotel.country_code in {"TR", "EG"}
        and today + timedelta(days=3) <= offer.departure_date <= today + timedelta(days=30)
        and 6 <= offer.nights <= 14
        and (offer.adults, offer.children) == (2, 0)
    }


def write_accounts(tmp_path, **accounts) -> dict[str, str]:
    path = tmp_path / "accounts.yaml"
    path.write_text(yaml.safe_dump({"accounts": accounts}), encoding="utf-8")
    return {"TOURSCOPE_ACCOUNTS_FILE": str(path)}


def test_crawl_stores_the_sweep_with_tez_references_mapped(crawl, sandbox, session):
    sandbox.configure("teztour", size=5000)  # the demo sweep asks for about 1 offer in 200
    result = crawl(DEMO)
    assert result.returncode == 0, result.stderr
    offers = offers_by_key(session)
    truth = swept(sandbox, size=5000)
    assert len(truth) >= 10
    assert {catalogue_key(key) for key in offers} == set(truth)
    for key, offer in offers.items():
        expected = truth[catalogue_key(key)]
        assert (offer.price, offer.currency) == (expected.price, "EUR"), key
        assert offer.meal == expected.meal_code
        assert offer.departure_city.code == "MOW"
        assert offer.hotel.resort.country.code == expected.hotel.country_code
        assert offer.hotel.resort.name.lower() == expected.hotel.resort.lower()
        assert offer.hotel.stars == expected.hotel.stars
        assert (offer.nights, offer.adults, offer.departure_date) == (
            expected.nights,
            2,
            expected.departure_date,
        )
        assert offer.availability == expected.availability
        assert "priceOfferId=" in offer.url

    run = session.scalars(select(CrawlRun)).one()
    assert run.status == "succeeded"
    # "Special Cat." is no star count; RIGA is no departure city we know.
    assert run.stats["tourscope/unmapped/stars"] == 1
    assert run.stats["tourscope/unmapped/departure"] >= 1
    references = session.scalars(select(OperatorReference)).all()
    by_kind = {}
    for reference in references:
        by_kind.setdefault(reference.kind, {})[reference.ref_id] = reference
    assert (by_kind["country"]["1104"].name, by_kind["country"]["1104"].code) == ("TURKEY", "TR")
    assert (by_kind["departure"]["345"].name, by_kind["departure"]["345"].code) == (
        "MOSCOW",
        "MOW",
    )
    assert by_kind["region"]["12691"].name == "SIDE" and by_kind["region"]["12691"].code
    assert by_kind["meal"]["2424"].code == "BB" and by_kind["stars"]["2569"].code == "4"
    assert by_kind["stars"]["269506"].code is None
    assert by_kind["hotel"] and all(
        h.name.endswith(" *") and h.name.isupper() for h in by_kind["hotel"].values()
    )


def test_pages_of_a_hundred_rows_are_followed_by_price(crawl, sandbox, session):
    sandbox.configure("teztour", size=100_000)
    result = crawl(DEMO)
    assert result.returncode == 0, result.stderr
    offers = offers_by_key(session)
    truth = swept(sandbox, size=100_000)
    assert len(truth) > 200  # more than a page for at least one query
    assert {catalogue_key(key) for key in offers} == set(truth)
    run = session.scalars(select(CrawlRun)).one()
    assert run.stats["downloader/request_count"] > 13  # the demo's plan without paging


def test_an_error_answer_fails_the_crawl_in_one_line_and_changes_no_offer(crawl, sandbox, session):
    assert crawl(DEMO).returncode == 0
    before = {key: (o.id, o.price, o.last_seen_at) for key, o in offers_by_key(session).items()}
    assert before
    # The replica now refuses the 4th request of any minute: a quota the crawler did not know.
    sandbox.client.put("/_sandbox/teztour/requests", json={"limit": 3}).raise_for_status()
    sandbox.configure("teztour", size=5000, epoch=1)
    try:
        result = crawl(DEMO)
    finally:
        sandbox.client.put("/_sandbox/teztour/requests", json={}).raise_for_status()
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    lines = [line for line in output.splitlines() if "не более 3 запросов в минуту" in line]
    assert lines and all(len(line) < 300 for line in lines)
    after = {key: (o.id, o.price, o.last_seen_at) for key, o in offers_by_key(session).items()}
    assert after == before
    failed = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
    assert failed.status == "failed" and "запросов в минуту" in failed.error_message


def test_never_more_than_fifty_requests_a_minute(crawl, sandbox, session, tmp_path):
    window = 3.0
    env = write_accounts(
        tmp_path,
        tez_wide={
            "name": "TEZ TOUR (wide sweep)",
            "protocol": "teztour",
            "endpoint": "sandbox:/teztour",
            "currency": "EUR",
            "sweep": {
                "departures": ["MOW", "LED", "KZN"],
                # Thailand's prices lack TEZ's lowest class: each destination's own is asked.
                "countries": ["TR", "TH"],
                "days_ahead": [3, 60],
                "nights": [3, 21],
                "max_requests": 200,
            },
        },
    )
    sandbox.client.put(
        "/_sandbox/teztour/requests", json={"window_seconds": window}
    ).raise_for_status()
    try:
        result = crawl("tez_wide", env={**env, "TOURSCOPE_RATE_WINDOW_SECONDS": str(window)})
        counted = sandbox.client.get("/_sandbox/teztour/requests").json()
    finally:
        sandbox.client.put("/_sandbox/teztour/requests", json={}).raise_for_status()
    assert result.returncode == 0, result.stdout + result.stderr
    assert counted["total"] > 60  # the sweep needs more than a window's worth
    assert counted["highest_in_window"] <= 50 and counted["refused"] == 0
    run = session.scalars(select(CrawlRun)).one()
    # More than a window's worth of requests, so the crawl had to spread them over more
    # than one window.
    assert (run.finished_at - run.started_at).total_seconds() > window


def test_the_plan_keeps_every_query_inside_the_documented_limits(sandbox):
    spider = load_spider_class(DEMO)
    sweep = SweepConfig(
        departures=["MOW"], countries=["TR"], days_ahead=[3, 33], nights=[3, 21]
    )  # a 30-day window and an 18-night span
    original = spider.account
    spider.account = original.model_copy(update={"sweep": sweep})
    try:
        today = agency_today()
        queries = spider.plan(today).queries
    finally:
        spider.account = original
    windows = sorted({(q.date_from, q.date_to) for q in queries})
    nights = sorted({(q.nights_min, q.nights_max) for q in queries})
    assert windows == [
        (today + timedelta(days=3), today + timedelta(days=23)),
        (today + timedelta(days=24), today + timedelta(days=33)),
    ]
    assert nights == [(3, 11), (12, 20), (21, 21)]
    assert len(queries) == 6
    # Each of them is a search the replica accepts; one day more is refused.
    for first, last in windows:
        for low, high in nights:
            answer = search(sandbox, first, last, low, high)
            assert answer["success"] is True, answer
    refused = search(sandbox, today, today + timedelta(days=21), 3, 11)
    assert refused["success"] is False and "20 дней" in refused["message"]


def search(sandbox, first: date, last: date, low: int, high: int) -> dict:
    query = tez_params(
        after=f"{first:%d.%m.%Y}", before=f"{last:%d.%m.%Y}", nightsMin=low, nightsMax=high
    )
    return sandbox.client.get("/teztour/tariffsearch/getResult", params=query).json()


# -- the re-check: the offer's own search again ------------------------------------------


def recheck(sandbox, offer_id: int) -> dict:
    env = {"TOURSCOPE_SANDBOX_URL": sandbox.url}
    result = run_tourscope("recheck", str(offer_id), "--json", env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_recheck_finds_the_offer_then_says_when_it_is_gone(crawl, sandbox, session):
    sandbox.configure("teztour", size=3000)
    assert crawl(DEMO).returncode == 0
    offers = offers_by_key(session)
    on_sale = [o for o in offers.values() if o.availability == "available"]
    answer = recheck(sandbox, on_sale[0].id)
    assert answer["status"] == "available", answer
    assert Decimal(answer["price"]) == on_sale[0].price and answer["currency"] == "EUR"

    sandbox.configure("teztour", size=3000, epoch=1)
    now = published(sandbox, PROFILE, size=3000, epoch=1)
    gone = next(o for o in offers.values() if catalogue_key(o.offer_key) not in now)
    assert recheck(sandbox, gone.id)["status"] == "gone"
    moved = next(
        o
        for o in on_sale
        if catalogue_key(o.offer_key) in now
        and abs(now[catalogue_key(o.offer_key)].price - o.price) > 1
    )
    answer = recheck(sandbox, moved.id)
    assert answer["status"] == "changed", answer
    assert Decimal(answer["price"]) == now[catalogue_key(moved.offer_key)].price


# -- parsing the documentation's examples ------------------------------------------------


@pytest.fixture
def spider():
    cls = load_spider_class(DEMO)
    crawler = get_crawler(cls, {"TOURSCOPE_SANDBOX_URL": "http://tez"})
    spider = cls.from_crawler(crawler)
    spider.remember("country", [("1104", "TURKEY", {})])
    spider.remember("departure", [("345", "MOSCOW", {})])
    spider.remember("region", [("12691", "SIDE", {"country": "1104"})])
    spider.remember("meal", read_meals(xml("randbs.xml")))
    spider.remember("stars", read_classes(xml("hotelClasses.xml")))
    return spider


def xml(name: str):
    from xml.etree import ElementTree

    return ElementTree.fromstring((EXAMPLES / name).read_bytes())


def example_response(name: str, status: int = 200) -> TextResponse:
    return TextResponse(
        "http://tez/teztour/tariffsearch/getResult?countryId=1104&cityId=345",
        body=(EXAMPLES / name).read_bytes(),
        encoding="utf-8",
        status=status,
    )


PARAMS = {"countryId": "1104", "cityId": "345", "accommodationId": "1", "priceMin": 0}


def test_the_documented_row_becomes_one_offer_and_its_hotels_photo(spider):
    [item, photo] = list(spider.parse_result(example_response("getResult.json"), PARAMS, set()))
    assert (photo.hotel_code, photo.photos) == (
        "326222",
        ["https://s.tez-tour.com/hotel/50003736/DSC_1088_8707_small.JPG"],
    )
    assert item.hotel_name == "SELGE HOTEL 3 *" and item.hotel_stars == 3
    assert item.hotel_code == "326222"
    assert (item.country_code, item.departure_city_code, item.meal) == ("TR", "MOW", "BB")
    assert item.resort == "Side"  # the gazetteer's spelling
    assert item.departure_date == date(2024, 5, 20) and item.nights == 8
    assert (item.adults, item.children) == (1, 0)
    assert (item.price, item.currency) == (Decimal("449.3326"), "USD")
    assert item.availability == "available" and item.room_type == "Economy Room"
    assert item.offer_key == "345-1104-12691-326222-20240520-8-1-2568-2424-21961578"
    assert "priceOfferId=21961578" in item.url


def test_more_rows_are_asked_from_the_last_price_up(spider):
    answer = json.loads((EXAMPLES / "getResult.json").read_text(encoding="utf-8"))
    answer["info"][3][1] = "true"
    response = TextResponse(
        "http://tez/x", body=json.dumps(answer).encode(), encoding="utf-8", status=200
    )
    seen: set[str] = set()
    item, _photo, follow_up = list(spider.parse_result(response, PARAMS, seen))
    assert "priceMin=449.3326" in follow_up.url
    assert follow_up.cb_kwargs["seen"] == {item.offer_key}
    # The same row again (the bound is inclusive) is not a second offer; nothing new, stop.
    assert list(spider.parse_result(response, PARAMS, seen)) == []
    assert spider.crawler.stats.get_value("tourscope/gate_errors/paging_stuck") == 1


def test_the_documented_error_is_the_crawls_failure_reason(spider):
    assert list(spider.parse_result(example_response("getResult_error.json"), PARAMS, set())) == []
    reason = spider.crawler.stats.get_value("tourscope/protocol_error")
    assert reason.endswith(
        "Звездность отеля 269506: Special Cat. отсутствует в ценах запрошенного направления"
    )


def test_the_documented_reference_lists_are_read():
    assert read_reference_list(xml("countries.xml")) == [
        ("147573", "AUSTRIA", {}),
        ("1104", "TURKEY", {}),
    ]
    assert read_reference_list(xml("regions.xml")) == [
        ("4106032", "CANAKKALE", {"Country": "1104"})
    ]
    assert [(i, n, d["weight"]) for i, n, d in read_classes(xml("hotelClasses.xml"))] == [
        ("269506", "Special Cat.", 0),
        ("2568", "3*", 3),
        ("2569", "4*", 4),
    ]


def test_garbage_instead_of_json_is_logged_and_counted(spider):
    response = TextResponse("http://tez/x", body=b"<html>%%#@!</html>", encoding="utf-8")
    assert list(spider.parse_result(response, PARAMS, set())) == []
    assert spider.crawler.stats.get_value("tourscope/gate_errors/malformed_json") == 1
    assert spider.crawler.stats.get_value("tourscope/protocol_error") is None


@pytest.mark.parametrize("fault", ["down", "garbage", "truncated"])
def test_a_bad_day_at_tez_fails_the_crawl_then_it_recovers(crawl, sandbox, session, fault):
    sandbox.configure("teztour", size=5000)
    assert crawl(DEMO).returncode == 0
    before = {key: (o.price, o.availability) for key, o in offers_by_key(session).items()}
    sandbox.configure("teztour", size=5000, fault=fault)
    result = crawl(DEMO)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "crawl failed for teztour_demo" in result.stderr
    assert {key: (o.price, o.availability) for key, o in offers_by_key(session).items()} == before

    sandbox.configure("teztour", size=5000)
    assert crawl(DEMO).returncode == 0
    assert set(offers_by_key(session)) == set(before)


def test_a_currency_tez_does_not_quote_is_a_readable_failure(crawl, tmp_path):
    env = write_accounts(
        tmp_path,
        tez_pounds={
            "name": "TEZ TOUR in pounds",
            "protocol": "teztour",
            "endpoint": "sandbox:/teztour",
            "currency": "GBP",
            "sweep": {"departures": ["MOW"], "countries": ["TR"]},
        },
    )
    result = crawl("tez_pounds", env=env)
    assert result.returncode == 1
    assert "TEZ quotes prices in USD, EUR, RUB, not GBP" in result.stdout
