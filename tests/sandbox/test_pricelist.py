"""Pricelist Travel: one streamed CSV price list with a footer that counts its rows."""

import csv
import io
from datetime import date

from sandbox.app import OPERATORS
from sandbox.catalog import OperatorCatalog
from sandbox.operators.pricelist import CHUNK_ROWS, price_list
from sandbox.world import World

HEADER = (
    "tour_id;hotel_code;hotel;stars;country;resort;from;date;nights;room;board;"
    "adults;children;price;fuel;currency;status"
)


def read_price_list(sandbox) -> tuple[list[dict[str, str]], str]:
    response = sandbox.client.get("/pricelist/prices.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    *lines, footer = response.text.rstrip("\n").split("\n")
    assert lines[0] == HEADER
    return list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";")), footer


def test_price_list_is_a_semicolon_csv_in_the_operators_words(sandbox):
    rows, footer = read_price_list(sandbox)
    assert footer == "# END OF PRICE LIST;300 rows" and len(rows) == 300
    row = rows[0]
    assert row["tour_id"] == "PL0000000" and row["currency"] == "GBP"
    assert row["stars"].endswith(" stars")
    day, month, year = map(int, row["date"].split("/"))
    assert date(year, month, day) > date.today()
    assert "," in row["price"] and "." not in row["price"]
    assert {r["status"] for r in rows} == {"OK", "Request", "Stop", "Sold out"}
    assert {"ALL INCL", "Ultra All"} <= {r["board"] for r in rows}


def test_missing_fields_leave_cells_empty(sandbox):
    sandbox.configure("pricelist", fault="missing_fields")
    rows, _ = read_price_list(sandbox)
    assert sum(not r["hotel"] for r in rows) == 15 and sum(not r["price"] for r in rows) == 15


def test_price_list_streams_in_chunks():
    world = World(seed=42, anchor=date(2026, 12, 1))
    catalog = OperatorCatalog(world, OPERATORS["pricelist"].PROFILE, 3 * CHUNK_ROWS + 10)
    chunks = list(price_list(catalog))
    assert len(chunks) == 4
    assert chunks[-1].endswith(f"# END OF PRICE LIST;{3 * CHUNK_ROWS + 10} rows\n")


def test_offers_have_a_page(sandbox):
    assert sandbox.client.get("/pricelist/tour/PL0000002").status_code == 200
    assert sandbox.client.get("/pricelist/tour/XX0000002").status_code == 404
