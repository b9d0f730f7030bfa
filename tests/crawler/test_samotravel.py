"""Real crawls of Samo Travel's price-rows API over loopback, into SQLite and PostgreSQL."""

from decimal import Decimal

from sqlalchemy import select

from crawler.parsing.currency import to_base
from models import CrawlRun
from models.catalog.currency import BUILT_IN_RATES
from tests.crawler.conftest import offers_by_key

QUERY = {"samo_action": "api", "type": "json", "action": "SearchTour_PRICES"}
AVAILABILITY = {
    ("Y", "Y"): "available",
    ("F", "Y"): "available",
    ("R", "Y"): "on_request",
    ("N", "Y"): "stop_sale",
    ("Y", "N"): "sold_out",
}


def price_rows(sandbox) -> dict[str, dict]:
    rows = {}
    for page in (1, 2, 3):
        answer = sandbox.client.get(
            "/samotravel/export/default.php", params={**QUERY, "PRICEPAGE": page}
        ).json()
        rows |= {row["id"]: row for row in answer["SearchTour_PRICES"]["prices"]}
    return rows


def test_crawl_stores_prices_in_their_currency_and_drops_grouped_rows(crawl, sandbox, session):
    result = crawl("samotravel")
    assert result.returncode == 0, result.stderr
    offers, rows = offers_by_key(session), price_rows(sandbox)
    grouped = {key for key, row in rows.items() if row["grouped"]}
    assert len(grouped) == 3 and not grouped & set(offers)
    assert set(offers) == set(rows) - grouped
    for key, offer in offers.items():
        row = rows[key]
        # The price string in USD or EUR, never the converted roubles beside it.
        assert (offer.price, offer.currency) == (Decimal(row["price"]), row["currency"])
        assert offer.price_base == to_base(offer.price, offer.currency, "EUR", BUILT_IN_RATES)
        assert offer.surcharge == Decimal(row["fuelCharge"])
        assert offer.meal == row["meal"] and offer.nights == row["nights"]
        expected = AVAILABILITY[row["hotelAvailability"], row["ticketsAvailability"]]
        assert offer.availability == expected
    assert {o.currency for o in offers.values()} == {"USD", "EUR"}
    assert {o.availability for o in offers.values()} == {
        "available",
        "on_request",
        "stop_sale",
        "sold_out",
    }
    offer = offers["ST0000000"]
    assert offer.operator.name == "Samo Travel" and offer.is_active
    assert offer.url.endswith("/samotravel/tour/ST0000000")
    assert "*" not in offer.hotel.name and offer.hotel.stars in {2, 3, 4, 5}
    run = session.scalars(select(CrawlRun)).one()
    assert (run.status, run.items_stored, run.items_dropped) == ("succeeded", 300, 0)
    assert run.stats["tourscope/skipped/group_row"] == 3
    assert run.stats["tourscope/expected_items"] == 300
