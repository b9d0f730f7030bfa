"""Tourvisor's agency search API: crawls of the demo account into SQLite and PostgreSQL,
the documentation's own answers read by the spider, refusals and re-checks."""

import asyncio
import json
import logging
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from crawler.accounts import load_accounts
from crawler.crawlstats import PROTOCOL_ERROR
from crawler.pipelines.hotel_content import HotelContentPipeline
from crawler.spiders.base.protocol_spiders import spider_class
from crawler.sweep import SearchQuery
from models import CrawlRun, Offer
from models.agency_time import agency_today
from models.catalog.operator_references import OperatorReference
from sandbox.operators.tourvisor import PROFILE, tour_id
from tests.crawler.cli import run_tourscope
from tests.crawler.conftest import catalog, offers_by_key

EXAMPLES = Path(__file__).parent / "protocol_examples" / "tourvisor"
# Big enough for the demo sweep (2 cities, 2 countries, 4 weeks, 2 parties) to find tours.
SIZE = 6000
ACCOUNT = "tourvisor_demo"


def swept_tours(sandbox, **control) -> dict:
    """The tours the demo sweep must find, by Tourvisor tour id: the truth of a crawl."""
    today = agency_today()
    parties = {(2, 0), (2, 1)}
    return {
        tour_id(offer): offer
        for offer in catalog(sandbox, PROFILE, size=SIZE, **control).offers()
        if offer.departure_city_code in ("MOW", "LED")
        and offer.hotel.country_code in ("TR", "EG")
        and today + timedelta(days=3) <= offer.departure_date <= today + timedelta(days=30)
        and 6 <= offer.nights <= 14
        and (offer.adults, offer.children) in parties
        and offer.availability in ("available", "on_request")
    }


def references(session) -> dict[tuple[str, str], OperatorReference]:
    return {(r.kind, r.ref_id): r for r in session.scalars(select(OperatorReference))}


def test_crawl_stores_every_swept_tour_with_mapped_places(crawl, sandbox, session):
    sandbox.configure("tourvisor", size=SIZE)
    result = crawl(ACCOUNT)
    assert result.returncode == 0, result.stdout + result.stderr
    offers = offers_by_key(session)
    truth = swept_tours(sandbox)
    assert len(truth) > 30 and set(offers) == set(truth)
    for key, offer in offers.items():
        expected = truth[key]
        assert (offer.price, offer.surcharge, offer.currency) == (
            expected.price,
            expected.surcharge,
            "EUR",
        ), key
        assert offer.meal == expected.meal_code
        assert offer.departure_city.code == expected.departure_city_code
        assert offer.hotel.resort.country.code == expected.hotel.country_code
        assert offer.hotel.resort.name == expected.hotel.resort
        assert offer.hotel.stars == expected.hotel.stars
        assert (offer.departure_date, offer.nights) == (expected.departure_date, expected.nights)
        assert (offer.adults, offer.children) == (expected.adults, expected.children)
        assert offer.availability == expected.availability
        assert offer.url == f"https://tourvisor.ru/search.php#tvtourid={key}"
    assert {o.availability for o in offers.values()} == {"available", "on_request"}

    run = session.scalars(select(CrawlRun)).one()
    assert run.status == "succeeded"
    # The searches' toursfound add up to exactly what was read.
    assert run.stats["tourscope/expected_items"] == len(offers)
    # "Без перелёта" (hotel only) and Бишкек have no departure city of ours: kept, counted.
    assert run.stats["tourscope/unmapped/departure"] == 2
    refs = references(session)
    assert (refs[("departure", "99")].name, refs[("departure", "99")].code) == (
        "Без перелёта",
        None,
    )
    assert refs[("departure", "5")].code == "LED"
    assert (refs[("country", "1")].code, refs[("country", "4")].code) == ("EG", "TR")
    assert (refs[("meal", "9")].code, refs[("region", "19")].code) == ("UAI", "Alanya")
    hotel = next(r for r in refs.values() if r.kind == "hotel")
    assert hotel.name.isupper() and hotel.data["country"] in ("1", "4")


def test_a_refused_login_is_one_line_and_changes_no_offer(crawl, sandbox, session, tmp_path):
    sandbox.configure("tourvisor", size=SIZE)
    assert crawl(ACCOUNT).returncode == 0
    before = {k: (o.price, o.is_active, o.last_seen_at) for k, o in offers_by_key(session).items()}

    accounts = tmp_path / "accounts.yaml"
    demo = load_accounts().accounts[ACCOUNT].model_dump(exclude={"code"}, exclude_none=True)
    demo["credentials"] = {"login": "demo@tourscope.local", "password": "wrong"}
    accounts.write_text(json.dumps({"accounts": {ACCOUNT: demo}}), encoding="utf-8")
    sandbox.configure("tourvisor", size=SIZE, epoch=1)  # prices moved: a good run would see it
    result = crawl(ACCOUNT, env={"TOURSCOPE_ACCOUNTS_FILE": str(accounts)})

    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    [line] = [line for line in result.stdout.splitlines() if "Authorisation Error" in line]
    assert "failed" in line
    after = {k: (o.price, o.is_active, o.last_seen_at) for k, o in offers_by_key(session).items()}
    assert after == before
    failed = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
    assert failed.status == "failed" and "Authorisation Error" in failed.error_message


@pytest.mark.parametrize("fault", ["down", "garbage", "truncated"])
def test_a_broken_replica_fails_the_run_and_the_next_good_one_recovers(
    crawl, sandbox, session, fault
):
    sandbox.configure("tourvisor", size=SIZE)
    assert crawl(ACCOUNT).returncode == 0
    before = {k: (o.price, o.is_active, o.last_seen_at) for k, o in offers_by_key(session).items()}

    sandbox.configure("tourvisor", size=SIZE, epoch=1, fault=fault)
    result = crawl(ACCOUNT)
    assert result.returncode == 1 and f"crawl failed for {ACCOUNT}" in result.stderr
    after = {k: (o.price, o.is_active, o.last_seen_at) for k, o in offers_by_key(session).items()}
    assert after == before

    sandbox.configure("tourvisor", size=SIZE, epoch=1)  # back: new prices, a few tours sold
    assert crawl(ACCOUNT).returncode == 0
    offers, truth = offers_by_key(session), swept_tours(sandbox, epoch=1)
    assert {k for k, o in offers.items() if o.is_active} == set(truth)
    assert all(offers[k].price == truth[k].price for k in truth)


def test_recheck_actualizes_the_tour_at_tourvisor(crawl, sandbox, session):
    sandbox.configure("tourvisor", size=SIZE)
    assert crawl(ACCOUNT).returncode == 0
    offers = offers_by_key(session)
    gone_now = set(offers) - set(swept_tours(sandbox, epoch=1))

    def recheck(offer: Offer) -> dict:
        env = {"TOURSCOPE_SANDBOX_URL": sandbox.url}  # actualize.php is asked at the replica
        result = run_tourscope("recheck", str(offer.id), "--json", env=env, timeout=60)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    kept = next(o for k, o in offers.items() if k not in gone_now)
    answer = recheck(kept)
    assert answer["status"] == "available", answer
    assert (Decimal(answer["price"]), answer["currency"]) == (kept.price, "EUR")

    sandbox.configure("tourvisor", size=SIZE, epoch=1)
    assert recheck(offers[sorted(gone_now)[0]])["status"] == "gone"


# -- the documentation's own answers, read by the spider ---------------------------------


@pytest.fixture
def spider():
    cls = spider_class(load_accounts().accounts[ACCOUNT], __name__)
    crawler = get_crawler(cls, {"TOURSCOPE_SANDBOX_URL": "http://replica"})
    spider = cls.from_crawler(crawler)
    list(spider.read_lists(json.loads((EXAMPLES / "lists.json").read_text("utf-8"))["lists"]))
    return spider


def example(name: str) -> TextResponse:
    body = (EXAMPLES / name).read_bytes()
    return TextResponse(f"http://replica/tourvisor/{name}", body=body, encoding="utf-8")


QUERY = SearchQuery("MOW", "TR", date(2026, 8, 15), date(2026, 8, 25), 6, 10, 2, (7, 9))


def test_reference_lists_keep_tourvisor_ids_and_map_them(spider):
    refs = spider.references
    assert refs.code("country", "4") == "TR" and refs.code("departure", "1") == "MOW"
    assert refs.code("departure", "80") is None  # Бишкек: kept, counted, not used
    assert refs.code("meal", "7") == "AI" and refs.code("stars", "5") == "5"
    assert refs.code("region", "19") == "Alanya"
    assert refs.name("hotel", "1188") == "THE NORA HOTELS FAMILY CLUB"
    assert spider.crawler.stats.get_value("tourscope/unmapped/departure") == 1


def test_a_documented_result_page_becomes_offers(spider):
    [offer, hotel_info] = list(spider.parse_results(example("result.json"), QUERY))
    # A hotel whose content is not known yet is asked about once (hotel.php).
    assert "/hotel.php?" in hotel_info.url and "hotelcode=1188" in hotel_info.url
    assert list(spider.parse_results(example("result.json"), QUERY))[1:] == []
    assert offer.offer_key == "90264112887701"
    assert (offer.hotel_code, offer.hotel_name, offer.hotel_stars) == (
        "1188",
        "THE NORA HOTELS FAMILY CLUB",
        5,
    )
    assert (offer.country_code, offer.resort, offer.meal) == ("TR", "Alanya", "AI")
    assert (offer.departure_city, offer.departure_city_code) == ("Москва", "MOW")
    assert (offer.departure_date, offer.nights) == (date(2026, 8, 17), 6)
    assert (offer.adults, offer.children, offer.room_type) == (2, 2, "economy pool room")
    assert (offer.price, offer.surcharge, offer.currency) == (Decimal(2364), 0, "EUR")
    assert offer.availability == "available"


def test_a_single_hotel_and_tour_come_as_objects_not_arrays(spider):
    [offer, _hotel_info] = list(spider.parse_results(example("result_single.json"), QUERY))
    assert offer.offer_key == "13267327993537" and offer.meal == "AI"
    assert (offer.price, offer.surcharge) == (Decimal(2364), Decimal(120))
    assert offer.availability == "on_request"


def read_hotel_info(spider, name: str):
    """A hotel.php answer through the spider and the hotel-content pipeline."""
    [item] = list(spider.parse_hotel_info(example(name), hotel_code="1188"))
    return HotelContentPipeline(spider.crawler.stats).process_item(item)


def test_a_documented_hotel_answer_becomes_text_photos_and_a_location(spider, caplog):
    with caplog.at_level(logging.INFO, logger="crawler.pipelines.hotel_content"):
        content = read_hotel_info(spider, "hotel.json")
    # HTML becomes text (the script's code with it), never stored as markup.
    assert content.description == "Семейный отель на первой линии.\n\nАквапарк & детский клуб."
    # coord1 is the latitude, coord2 the longitude, here with a decimal comma.
    assert (content.latitude, content.longitude) == (36.5512, 31.987)
    # A protocol-relative address gets the answer's scheme; a data: placeholder is dropped.
    assert content.photos == [
        "https://static.tourvisor.ru/hotel_pics/big/1188/1.jpg",
        "http://static.tourvisor.ru/hotel_pics/big/1188/2.jpg",
    ]
    assert content.phone == "+90 242 555 01 23"
    assert "Dropped the photo of hotel 1188 of tourvisor_demo" in caplog.text
    assert "is not http(s)" in caplog.text
    assert spider.crawler.stats.get_value("tourscope/hotel_content/rejected/photo_not_http") == 1


def test_zero_coordinates_and_a_phone_in_words_are_dropped_with_their_reasons(spider, caplog):
    with caplog.at_level(logging.INFO, logger="crawler.pipelines.hotel_content"):
        content = read_hotel_info(spider, "hotel_zero_coords.json")
    assert (content.latitude, content.longitude, content.phone) == (None, None, None)
    assert content.description == "Отель в центре Аланьи."
    assert content.photos == ["https://static.tourvisor.ru/hotel_pics/big/2201/1.jpg"]
    assert "coordinates '0', '0' are zero" in caplog.text
    assert "phone 'call the reception' is not a number" in caplog.text
    stats = spider.crawler.stats
    assert stats.get_value("tourscope/hotel_content/rejected/coordinates_zero") == 1
    assert stats.get_value("tourscope/hotel_content/rejected/phone_unreadable") == 1


def test_a_refused_hotel_call_stops_hotel_calls_but_not_the_crawl(spider):
    assert list(spider.parse_hotel_info(example("error_authorisation.json"), "1188")) == []
    assert not spider.crawler.stats.get_value(PROTOCOL_ERROR)
    assert not spider.wants_hotel_content("2201")  # no more hotel.php this crawl


def test_polling_goes_on_while_searching_then_reads_every_page(spider):
    async def statuses(name: str, polls: int = 1) -> list:
        response = example(name)
        answer = spider.parse_status(response, request_id="1015951847", query=QUERY, polls=polls)
        return [request async for request in answer]

    spider.account = spider.account.model_copy(update={"options": {"poll_seconds": 0}})
    [poll] = asyncio.run(statuses("status_searching.json"))
    assert "type=status" in poll.url and "requestid=1015951847" in poll.url
    assert poll.cb_kwargs["polls"] == 2
    assert asyncio.run(statuses("status_searching.json", polls=spider.max_polls)) == []
    pages = asyncio.run(statuses("status_finished.json"))
    assert len(pages) == 2  # 177 hotels, 100 a page
    assert all("type=result" in page.url and "onpage=100" in page.url for page in pages)
    assert spider.crawler.stats.get_value("tourscope/expected_items") == 2480


def test_search_parameters_follow_the_documentation(spider):
    [request] = list(spider.search_requests(QUERY))
    assert request.url.startswith("http://replica/tourvisor/search.php?")
    for part in (
        "authlogin=demo%40tourscope.local",
        "authpass=demo",
        "format=json",
        "departure=1",
        "country=4",
        "datefrom=15.08.2026",
        "dateto=25.08.2026",
        "nightsfrom=6",
        "nightsto=10",
        "adults=2",
        "child=2",
        "childage1=7",
        "childage2=9",
        "currency=1",
    ):
        assert part in request.url.split("?")[1].split("&"), part


def test_actualization_answers(spider):
    found = spider.read_actualization(example("actualize.json"))
    assert (found.outcome, found.price, found.currency) == ("found", Decimal(2364), "EUR")
    gone = TextResponse("http://replica/a", body=b'{"data": {"iserror": 1, "errormessage": "x"}}')
    assert spider.read_actualization(gone).outcome == "gone"
    refused = spider.read_actualization(example("error_authorisation.json"))
    assert refused.outcome == "no_answer" and "Authorisation Error" in refused.detail


@pytest.mark.parametrize(
    ("name", "message"),
    [("error_authorisation.json", "Authorisation Error"), ("error_bad_date.json", "dateto - bad")],
)
def test_a_refusal_is_the_crawls_failure_reason(spider, name, message):
    assert list(spider.parse_results(example(name), QUERY)) == []
    assert message in spider.crawler.stats.get_value(PROTOCOL_ERROR)


def test_the_accounts_password_never_reaches_the_crawl_log(crawl, sandbox, tmp_path):
    accounts = tmp_path / "accounts.yaml"
    demo = load_accounts().accounts[ACCOUNT].model_dump(exclude={"code"}, exclude_none=True)
    demo["credentials"] = {"login": "agency-login-7x", "password": "pw-Secret-42"}
    accounts.write_text(json.dumps({"accounts": {ACCOUNT: demo}}), encoding="utf-8")
    sandbox.configure("tourvisor", size=SIZE, fault="down")  # Scrapy logs each retried URL
    result = crawl(ACCOUNT, env={"TOURSCOPE_ACCOUNTS_FILE": str(accounts)})
    assert result.returncode == 1
    log = "".join(path.read_text() for path in (tmp_path / "log").glob("crawl-*.log"))
    assert "list.php" in log and "authpass=***" in log
    assert "pw-Secret-42" not in log + result.stdout + result.stderr
    assert "agency-login-7x" not in log
