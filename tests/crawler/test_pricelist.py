"""Real crawls of Pricelist Travel's CSV price list over loopback, into SQLite and PostgreSQL."""

import csv
import io
from decimal import Decimal

from sqlalchemy import select

from crawler.parsing.currency import to_base
from models import CrawlRun
from models.catalog.currency import BUILT_IN_RATES
from tests.crawler.conftest import offers_by_key

STATUSES = {"OK": "available", "Request": "on_request", "Stop": "stop_sale", "Sold out": "sold_out"}
BOARDS = {
    "Room only": "RO",
    "Bed & Breakfast": "BB",
    "Half Board": "HB",
    "Full Board": "FB",
    "ALL INCL": "AI",
    "Ultra All": "UAI",
}


def price_list_rows(sandbox) -> dict[str, dict[str, str]]:
    text = sandbox.client.get("/pricelist/prices.csv").text
    lines = text.rstrip("\n").split("\n")[:-1]  # the footer is no row
    return {
        row["tour_id"]: row for row in csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";")
    }


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_crawl_stores_the_price_list(crawl, sandbox, session):
    result = crawl("pricelist")
    assert result.returncode == 0, result.stderr
    offers, rows = offers_by_key(session), price_list_rows(sandbox)
    assert set(offers) == set(rows) and len(offers) == 300
    for key, offer in offers.items():
        row = rows[key]
        # The list quotes the fuel surcharge apart; the stored price is all-in.
        assert offer.price == amount(row["price"]) + amount(row["fuel"])
        assert offer.surcharge == amount(row["fuel"])
        assert offer.currency == "GBP" and offer.price_base == to_base(
            offer.price, "GBP", "EUR", BUILT_IN_RATES
        )
        assert offer.meal == BOARDS[row["board"]]
        assert offer.availability == STATUSES[row["status"]]
        assert offer.hotel.stars == int(row["stars"].split()[0])
    assert {o.availability for o in offers.values()} == set(STATUSES.values())
    offer = offers["PL0000000"]
    assert offer.operator.name == "Pricelist Travel" and offer.is_active
    assert offer.url.endswith("/pricelist/tour/PL0000000")
    run = session.scalars(select(CrawlRun)).one()
    assert (run.status, run.items_stored, run.items_dropped) == ("succeeded", 300, 0)
    assert run.stats["tourscope/expected_items"] == 300
