"""Crawls of operators on Megatec Master-Tour's price API (the replica), into SQLite and
PostgreSQL; and the spider reading answers written from the protocol notes' examples."""

import json
import logging
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select

from crawler.accounts import OperatorAccount, load_accounts
from crawler.spiders.base.mastertour import REFERENCE_LISTS
from crawler.spiders.base.protocol_spiders import spider_class
from crawler.sweep import SearchQuery
from models import Country, CrawlRun, Offer, Operator, Resort
from models.agency_time import agency_today
from models.catalog.operator_references import OperatorReference
from sandbox.operators import mastertour as replica
from tests.crawler.cli import run_tourscope
from tests.crawler.conftest import offers_by_key, published

EXAMPLES = Path(__file__).parent / "protocol_examples" / "mastertour"
DEMO = load_accounts().accounts["mastertour_demo"]
EUR_ID = replica.EUR_ID
SIZE = 6000  # the demo sweep asks a narrow question: a bigger catalogue gives it answers


def sweep_truth(sandbox, account: OperatorAccount = DEMO, epoch: int = 0) -> dict:
    """The replica's offers the account's sweep asks for, by the key the crawl stores."""
    sweep, today = account.sweep, agency_today()
    first, last = (today + timedelta(days=days) for days in sweep.days_ahead)
    return {
        f"{replica.offer_id(offer)}:{EUR_ID}": offer
        for offer in published(sandbox, replica.PROFILE, size=SIZE, epoch=epoch).values()
        if offer.departure_city_code in sweep.departures
        and offer.hotel.country_code in sweep.countries
        and first <= offer.departure_date <= last
        and sweep.nights[0] <= offer.nights <= sweep.nights[1]
        and (offer.adults, offer.children) == (2, 0)
    }


def accounts_file(tmp_path, **accounts) -> dict[str, str]:
    """An agency's accounts file with extra accounts on the same replica; the crawl's env."""
    entries = {
        code: {
            "name": name,
            "protocol": "mastertour",
            "endpoint": "sandbox:/mastertour",
            "currency": "EUR",
            "sweep": DEMO.sweep.model_dump(mode="json"),
            "options": options,
        }
        for code, (name, options) in accounts.items()
    }
    path = tmp_path / "accounts.yaml"
    path.write_text(yaml.safe_dump({"accounts": entries}, allow_unicode=True), encoding="utf-8")
    return {"TOURSCOPE_ACCOUNTS_FILE": str(path)}


def last_run(session, operator: str) -> CrawlRun:
    session.expire_all()
    return session.scalars(
        select(CrawlRun)
        .join(Operator, CrawlRun.operator_id == Operator.id)
        .where(Operator.code == operator)
        .order_by(CrawlRun.id.desc())
    ).first()


def test_demo_crawl_stores_the_sweeps_offers_mapped_to_our_codes(crawl, sandbox, session):
    sandbox.configure("mastertour", size=SIZE)
    result = crawl("mastertour_demo")
    assert result.returncode == 0, result.stderr
    assert "succeeded" in result.stdout
    offers = offers_by_key(session)
    truth = sweep_truth(sandbox)
    assert len(truth) > 15 and set(offers) == set(truth)
    for key, offer in offers.items():
        expected = truth[key]
        assert (offer.price, offer.currency) == (expected.price, "EUR"), key
        assert offer.departure_date == expected.departure_date and offer.nights == expected.nights
        assert offer.meal == expected.meal_code and offer.availability == expected.availability
        assert session.get(Country, offer.country_id).code == expected.hotel.country_code
        assert offer.departure_city.code == expected.departure_city_code
        # The replica's "Белек" is filed under the catalogue's Belek.
        assert session.get(Resort, offer.resort_id).name == expected.hotel.resort
        assert offer.stars == expected.hotel.stars
        assert offer.url.endswith(f"/mastertour/basket?priceKey={replica.offer_id(expected)}")
    run = last_run(session, "mastertour_demo")
    assert run.status == "succeeded"
    # 7 reference lists, then one GetTours per planned query (2 cities x 2 countries).
    assert run.stats["downloader/request_count"] == 7 + 4
    # The operator's "По программе" board and its "HV-1" category map to nothing of ours.
    assert run.stats["tourscope/unmapped/meal"] == 1 and run.stats["tourscope/unmapped/stars"] == 1
    references = {(ref.kind, ref.ref_id): ref for ref in session.scalars(select(OperatorReference))}
    assert (references["country", "4"].name, references["country", "4"].code) == ("Турция", "TR")
    assert references["departure", "47"].code == "KZN"
    assert (references["region", "1290"].name, references["region", "1290"].code) == (
        "Кемер",
        "Kemer",
    )
    assert references["meal", "12"].code == "AI" and references["meal", "21"].code is None
    assert references["stars", "11"].code is None and references["currency", "3"].name == "EU"


def test_capped_answers_are_split_until_nothing_is_lost(crawl, sandbox, session, tmp_path):
    sandbox.configure("mastertour", size=SIZE)
    env = accounts_file(tmp_path, mt_capped=("Capped Master-Tour", {"count": 3}))
    result = crawl("mt_capped", env=env)
    assert result.returncode == 0, result.stderr
    assert set(offers_by_key(session)) == set(sweep_truth(sandbox))
    run = last_run(session, "mt_capped")
    assert run.stats["tourscope/mastertour/split_queries"] > 4
    assert run.stats["downloader/request_count"] > 7 + 4


def test_a_refusal_is_one_plain_line_and_changes_no_offer(crawl, sandbox, session, tmp_path):
    sandbox.configure("mastertour", size=SIZE)
    good = accounts_file(tmp_path, mt_agency=("Agency Master-Tour", {}))
    assert crawl("mt_agency", env=good).returncode == 0
    before = {key: (o.price, o.availability) for key, o in offers_by_key(session).items()}
    assert before
    # The predecessor read `count` as a 16-bit number: 40000 is an "Incorrect parametr.".
    broken = accounts_file(tmp_path, mt_agency=("Agency Master-Tour", {"count": 40000}))
    sandbox.configure("mastertour", size=SIZE, epoch=1)
    result = crawl("mt_agency", env=broken)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Agency Master-Tour: GetTours: Incorrect parametr." in output
    assert "Traceback" not in output
    after = {key: (o.price, o.availability) for key, o in offers_by_key(session).items()}
    assert after == before
    run = last_run(session, "mt_agency")
    assert run.status == "failed" and "Incorrect parametr." in run.error_message


def test_an_unreachable_service_fails_the_run_and_keeps_the_offers(crawl, sandbox, session):
    sandbox.configure("mastertour", size=SIZE)
    assert crawl("mastertour_demo").returncode == 0
    before = set(offers_by_key(session))
    sandbox.configure("mastertour", size=SIZE, fault="garbage")
    assert crawl("mastertour_demo").returncode != 0
    assert set(offers_by_key(session)) == before
    assert last_run(session, "mastertour_demo").status == "failed"


def test_a_second_master_tour_operator_is_only_configuration(crawl, sandbox, session, tmp_path):
    sandbox.configure("mastertour", size=SIZE)
    env = accounts_file(tmp_path, mt_second=("Second Master-Tour Operator", {}))
    result = crawl("mastertour_demo", "mt_second", env=env)
    assert result.returncode == 0, result.stderr
    session.expire_all()
    per_operator = dict(
        session.execute(
            select(Operator.code, func.count(Offer.id))
            .join(Offer, Offer.operator_id == Operator.id)
            .group_by(Operator.code)
        ).all()
    )
    expected = len(sweep_truth(sandbox))
    assert per_operator == {"mastertour_demo": expected, "mt_second": expected}
    names = dict(session.execute(select(Operator.code, Operator.name)).all())
    assert names["mt_second"] == "Second Master-Tour Operator"


# -- re-check through ActualizeTour ---------------------------------------------------------


def recheck(offer_id: int, db_url: str, sandbox) -> dict:
    env = {"TOURSCOPE_DATABASE_URL": db_url, "TOURSCOPE_SANDBOX_URL": sandbox.url}
    result = run_tourscope("recheck", str(offer_id), "--json", env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_recheck_asks_actualize_tour(crawl, sandbox, session, db_url):
    sandbox.configure("mastertour", size=SIZE)
    assert crawl("mastertour_demo").returncode == 0
    offers = offers_by_key(session)
    on_sale = [o for o in offers.values() if o.availability == "available"]
    answer = recheck(on_sale[0].id, db_url, sandbox)
    assert answer["status"] == "available" and answer["currency"] == "EUR"
    assert Decimal(answer["price"]) == on_sale[0].price

    sandbox.configure("mastertour", size=SIZE, epoch=1)
    now = {
        replica.offer_id(o): o
        for o in published(sandbox, replica.PROFILE, size=SIZE, epoch=1).values()
    }
    gone = next(o for o in on_sale if int(o.offer_key.split(":")[0]) not in now)
    assert recheck(gone.id, db_url, sandbox)["status"] == "gone"
    moved = next(
        o
        for o in on_sale
        if (later := now.get(int(o.offer_key.split(":")[0])))
        and later.availability == "available"
        and abs(later.price - o.price) > 1
    )
    answer = recheck(moved.id, db_url, sandbox)
    assert answer["status"] == "changed"
    assert Decimal(answer["price"]) == now[int(moved.offer_key.split(":")[0])].price


# -- the notes' own examples, read by the spider ------------------------------------------


def example(name: str) -> TextResponse:
    body = (EXAMPLES / name).read_bytes()
    url = "http://operator.example:9000/TourSearchOwin/searchApi?action=" + name
    return TextResponse(url, body=body, encoding="utf-8")


@pytest.fixture
def spider():
    spider_cls = spider_class(DEMO, __name__)
    crawler = get_crawler(spider_cls, {"TOURSCOPE_SANDBOX_URL": "http://operator.example:9000"})
    spider = spider_cls.from_crawler(crawler)
    for kind, key, _ in REFERENCE_LISTS:
        values = spider.listed(spider.read_answer(example(f"{key}.json"), key), key)
        spider.remember(kind, spider.reference_values(kind, values))
    return spider


def query(**changes) -> SearchQuery:
    values = dict(
        departure="MOW",
        country="TR",
        date_from=date(2026, 6, 10),
        date_to=date(2026, 6, 20),
        nights_min=7,
        nights_max=7,
        adults=2,
        children_ages=(),
    )
    return SearchQuery(**{**values, **changes})


def test_the_notes_tour_example_becomes_an_offer(spider):
    [offer] = list(spider.parse_tours(example("tours.json"), query=query()))
    assert offer.offer_key == f"812345678901:{EUR_ID}"
    assert (offer.hotel_code, offer.hotel_name, offer.hotel_stars) == ("20417", "Delphin Palace", 5)
    assert (offer.country_code, offer.departure_city_code) == ("TR", "MOW")
    assert (offer.meal, offer.resort, offer.room_type) == ("AI", "Antalya", "standard")
    assert (offer.departure_date, offer.nights) == (date(2026, 6, 14), 7)
    assert (offer.price, offer.currency) == (Decimal(245300), "EUR")
    # Return seats "on request" (2): the tour can only be asked for.
    assert offer.availability == "on_request"
    assert offer.url == "https://operator.example/basket?priceKey=812345678901"


def test_an_answer_as_long_as_count_is_split_in_halves(spider):
    spider.account = DEMO.model_copy(update={"options": {"count": 1}})
    halves = list(spider.parse_tours(example("tours.json"), query=query()))
    assert [(q.cb_kwargs["query"].date_from, q.cb_kwargs["query"].date_to) for q in halves] == [
        (date(2026, 6, 10), date(2026, 6, 15)),
        (date(2026, 6, 16), date(2026, 6, 20)),
    ]
    one_day = query(date_from=date(2026, 6, 14), date_to=date(2026, 6, 14), nights_max=9)
    halves = list(spider.parse_tours(example("tours.json"), query=one_day))
    assert [(h.cb_kwargs["query"].nights_min, h.cb_kwargs["query"].nights_max) for h in halves] == [
        (7, 8),
        (9, 9),
    ]


def test_a_capped_answer_that_cannot_be_narrowed_is_counted(spider, caplog):
    spider.account = DEMO.model_copy(update={"options": {"count": 1}})
    single = query(date_from=date(2026, 6, 14), date_to=date(2026, 6, 14))
    with caplog.at_level(logging.WARNING):
        [offer] = list(spider.parse_tours(example("tours.json"), query=single))
    assert offer.offer_key.startswith("812345678901")
    assert spider.crawler.stats.get_value("tourscope/mastertour/capped_answers") == 1
    assert "more expensive offers may be missing" in caplog.text


def test_an_error_answer_is_the_crawls_failure_reason(spider):
    assert list(spider.parse_tours(example("error.json"), query=query())) == []
    reason = spider.crawler.stats.get_value("tourscope/protocol_error")
    assert reason == "Master-Tour operator (demo replica): GetTours: Incorrect parametr."


def test_the_actualization_example_is_read(spider):
    reading = spider.read_actualization(example("actualize_tour.json"))
    assert (reading.outcome, reading.price, reading.currency) == ("found", Decimal(247100), "EUR")
    gone = TextResponse(
        "http://x/", status=500, body="Данных по цене в БД не найдено".encode(), encoding="utf-8"
    )
    assert spider.read_actualization(gone).outcome == "gone"
    broken = TextResponse("http://x/", status=500, body=b"Internal Server Error")
    assert spider.read_actualization(broken).outcome == "no_answer"
    request = spider.actualization_request(f"812345678901:{EUR_ID}")
    assert "action=ActualizeTour&offerId=812345678901&currencyId=3" in request.url
    assert spider.actualization_request("not-a-key") is None
