"""Real crawls of declarative operators over loopback, into SQLite and PostgreSQL."""

from pathlib import Path

import yaml
from sqlalchemy import select

from crawler.parsing.currency import to_base
from models import CrawlRun
from models.catalog.currency import BUILT_IN_RATES
from sandbox.profiles import MEDITERRA, SUNCOAST
from tests.crawler.cli import run_tourscope
from tests.crawler.conftest import offers_by_key, published


def test_crawl_reads_the_french_table_as_declared(crawl, sandbox, session):
    result = crawl("mediterra")
    assert result.returncode == 0, result.stderr
    offers, truth = offers_by_key(session), published(sandbox, MEDITERRA)
    assert set(offers) == set(truth) and len(offers) == 300
    for key, offer in offers.items():
        sold = truth[key]
        # "1.234,00 €" read with the declared separators; the surcharge is part of it.
        assert (offer.price, offer.currency) == (sold.price, "EUR")
        assert offer.price_base == to_base(sold.price, "EUR", "EUR", BUILT_IN_RATES)
        assert offer.surcharge == sold.surcharge
        assert offer.departure_date == sold.departure_date  # dd/mm/yyyy
        assert (offer.nights, offer.adults, offer.children) == (
            sold.nights,
            sold.adults,
            sold.children,
        )
        assert offer.meal == sold.meal_code  # from the French words, by the YAML map
        assert offer.availability == sold.availability
        assert offer.hotel.stars == sold.hotel.stars  # a row of ★
        assert offer.departure_city.code == sold.departure_city_code
        assert offer.room_type == sold.room_type
        assert offer.url.endswith(f"/mediterra/offre/{key}")
    assert {o.meal for o in offers.values()} == {"RO", "BB", "HB", "FB", "AI", "UAI"}
    assert {o.availability for o in offers.values()} == {
        "available",
        "on_request",
        "stop_sale",
        "sold_out",
    }
    run = session.scalars(select(CrawlRun)).one()
    assert (run.status, run.items_stored, run.items_dropped) == ("succeeded", 300, 0)
    assert run.stats["tourscope/expected_items"] == 300
    assert offers["MV0000000"].operator.name == "Mediterra Voyages"


# A second operator with no Python: SunCoast's pages read through other selectors.
SUNPATH = {
    "code": "sunpath",
    "name": "SunPath (SunCoast by YAML)",
    "site": {"sandbox_path": "/suncoast", "start_path": "/search"},
    "listing": {
        "offers": {"xpath": "//article[@data-tour-id]"},
        "link": {"xpath": ".//a[@class='book']/@href"},
        "next_page": "nav.pager a[rel=next]::attr(href)",
        "total": {"css": "p.summary::text", "regex": r"Found (\d+) tours"},
    },
    "fields": {
        "offer_key": {"xpath": "@data-tour-id"},
        "hotel_name": {"xpath": ".//span[@class='hotel-name']/text()"},
        "hotel_code": ".hotel-code::text",
        "resort": ".resort::text",
        "country": ".country::text",
        "departure_city": ".departure::text",
        "departure_date": {"css": "time.date::text"},
        "nights": {"css": ".nights::text", "regex": r"(\d+) nights?"},
        "room_type": ".room::text",
        "meal": ".meal::text",
        "adults": {"css": "p.party::text", "regex": r"(\d+) adults?"},
        "children": {"css": "p.party::text", "regex": r"(\d+) child"},
        "price": ".price::text",
        "availability": ".status::text",
    },
    "formats": {
        "dates": ["%d %b %Y"],
        "decimal_separator": ".",
        "thousands_separator": " ",
    },
    "meals": {"Bed & Breakfast": "BB", "Half Board": "HB"},
    "availability": {"On request": "on_request", "Stop sale": "stop_sale", "Sold out": "sold_out"},
}


def write_operator(directory: Path, settings: dict) -> Path:
    path = directory / f"{settings['code']}.yaml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


def test_a_new_operator_needs_only_a_yaml_file(crawl, sandbox, session, tmp_path):
    operators = tmp_path / "operators"
    operators.mkdir()
    write_operator(operators, SUNPATH)
    result = crawl("sunpath", env={"TOURSCOPE_OPERATORS_DIR": str(operators)})
    assert result.returncode == 0, result.stderr
    offers, truth = offers_by_key(session), published(sandbox, SUNCOAST)
    assert set(offers) == set(truth)
    for key, offer in offers.items():
        sold = truth[key]
        assert offer.operator.code == "sunpath"
        assert (offer.price, offer.currency) == (sold.price, "EUR")  # the default currency
        assert (offer.departure_date, offer.nights) == (sold.departure_date, sold.nights)
        assert (offer.meal, offer.availability) == (sold.meal_code, sold.availability)
        assert (offer.adults, offer.children) == (sold.adults, sold.children)
        assert offer.departure_city.code == sold.departure_city_code


def test_a_broken_yaml_is_one_readable_error(crawl, tmp_path):
    operators = tmp_path / "operators"
    operators.mkdir()
    broken = {**SUNPATH, "fields": {**SUNPATH["fields"], "nights": {"regex": "(\\d+"}}}
    path = write_operator(operators, broken)
    result = crawl("sunpath", env={"TOURSCOPE_OPERATORS_DIR": str(operators)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    error = " ".join(result.stderr.split())
    assert str(path) in error
    assert r"fields.nights.regex: not a valid regular expression '(\d+'" in error


def test_a_broken_yaml_does_not_stop_the_other_operators(tmp_path):
    """Only the bad file is skipped: the other spiders load, and `tourscope operators`
    and the log say which file and why, in one line."""
    operators = tmp_path / "operators"
    operators.mkdir()
    broken = {**SUNPATH, "fields": {**SUNPATH["fields"], "nights": {"regex": "(\\d+"}}}
    write_operator(operators, broken)
    result = run_tourscope("operators", env={"TOURSCOPE_OPERATORS_DIR": str(operators)})
    assert result.returncode == 0, result.stderr
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if "│" in line}
    assert "declarative HTML" in rows["mediterra"] and "paged HTML" in rows["suncoast"]
    assert "not loaded:" in rows["sunpath"]
    logged = [line for line in result.stderr.splitlines() if "sunpath" in line]
    assert len(logged) >= 1 and "not a valid regular expression" in logged[0]
    assert "Traceback" not in result.stderr
