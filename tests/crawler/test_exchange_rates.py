"""`tourscope rates refresh` against the sandbox's replica of the Bank of Russia's daily
rates (sandbox/cbr.py), over loopback; and a crawl with the rouble as the base currency."""

import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select

from crawler.exchange_rates import RatesError, parse_daily_rates
from crawler.scheduler import rates_due
from models import ExchangeRate, Offer
from models.agency_time import agency_today
from models.catalog.exchange_rates import current_rates
from models.catalog.search import search_hotels
from models.catalog.search_filters import SearchFilters
from sandbox.cbr import daily_rates_xml, in_force, value_on
from tests.crawler.cli import run_tourscope
from tests.factories import make_operator
from tourscope.foundation.settings import get_settings

BASE_EUR_RATE = "91.2150"  # the replica's euro, before its daily wobble


def refresh(db_url: str, sandbox, *args: str):
    env = {
        "TOURSCOPE_DATABASE_URL": db_url,
        "TOURSCOPE_RATES_URL": f"{sandbox.url}/cbr/scripts/XML_daily.asp",
    }
    return run_tourscope("rates", "refresh", *args, env=env)


def stored(session) -> dict[tuple[date, str], tuple[int, Decimal]]:
    session.expire_all()
    return {
        (rate.rate_date, rate.currency): (rate.nominal, rate.value)
        for rate in session.scalars(select(ExchangeRate))
    }


def test_refresh_stores_the_days_rates_with_their_date(db_url, sandbox, session):
    result = refresh(db_url, sandbox)

    assert result.returncode == 0, result.stderr
    rate_date = in_force(agency_today())
    assert f"rates for {rate_date:%Y-%m-%d} stored" in result.stdout
    rates = stored(session)
    assert rates[(rate_date, "EUR")] == (1, value_on(BASE_EUR_RATE, rate_date))
    assert rates[(rate_date, "TRY")] == (10, value_on("18.6230", rate_date))  # per 10 lira
    assert {day for day, _ in rates} == {rate_date}
    current = current_rates(session)
    assert (current.rate_date, current.source, current.built_in) == (rate_date, "cbr", False)
    assert current.rate("EUR", "RUB") == value_on(BASE_EUR_RATE, rate_date)
    assert current.rate("TRY", "RUB") == value_on("18.6230", rate_date) / 10


def test_a_sunday_has_saturdays_rates(db_url, sandbox, session):
    sunday = agency_today() - timedelta(days=(agency_today().weekday() + 1) % 7 or 7)

    result = refresh(db_url, sandbox, "--date", sunday.isoformat())

    assert result.returncode == 0, result.stderr
    saturday = sunday - timedelta(days=1)
    assert {day for day, _ in stored(session)} == {saturday}


@pytest.mark.parametrize("fault", ["garbage", "truncated", "error"])
def test_a_bad_answer_fails_in_one_line_and_keeps_the_stored_rates(db_url, sandbox, session, fault):
    assert refresh(db_url, sandbox).returncode == 0
    before = stored(session)
    sandbox.configure("cbr", fault=fault)
    try:
        result = refresh(db_url, sandbox)
    finally:
        sandbox.configure("cbr")

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: rates: ") and lines[0].endswith("the stored rates are kept")
    assert stored(session) == before


def test_an_unreachable_bank_fails_in_one_line(db_url):
    env = {"TOURSCOPE_DATABASE_URL": db_url, "TOURSCOPE_RATES_URL": "http://127.0.0.1:9/x"}
    result = run_tourscope("rates", "refresh", env=env)

    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: rates: cannot reach http://127.0.0.1:9/x")


def test_the_published_format_is_read_with_its_nominals_and_decimal_commas():
    day = date(2026, 11, 28)
    daily = parse_daily_rates(daily_rates_xml(day).encode("windows-1251"))

    assert daily.rate_date == day
    assert daily.rates["USD"] == (1, value_on("78.7900", day))
    assert daily.rates["JPY"] == (100, value_on("51.8830", day))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not the rates' XML"),
        (b"<html><body>Maintenance</body></html>", "XML but not rates (<html>)"),
        (b'<ValCurs Date="31.02.2026"></ValCurs>', "is not dd.mm.yyyy"),
        (
            '<ValCurs Date="28.11.2026"><Valute><CharCode>EUR</CharCode><Nominal>1</Nominal>'
            "<Value>девяносто</Value></Valute></ValCurs>".encode(),
            "rate of EUR is not a number",
        ),
        (
            b'<ValCurs Date="28.11.2026"><Valute><CharCode>EUR</CharCode><Nominal>1</Nominal>'
            b"<Value>0,0000</Value></Valute></ValCurs>",
            "rate of EUR is not a positive rate",
        ),
        (
            daily_rates_xml(date(2026, 11, 28)).replace("EUR", "XEU").encode("windows-1251"),
            "no rate for EUR",
        ),
    ],
)
def test_what_is_not_the_published_format_is_refused_with_its_reason(body, reason):
    with pytest.raises(RatesError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_daily_rates(body)


def test_a_crawl_with_the_rouble_as_base_shows_true_prices_in_euros_and_roubles(
    db_url, sandbox, session, crawl, monkeypatch
):
    assert refresh(db_url, sandbox).returncode == 0
    euro = value_on(BASE_EUR_RATE, in_force(agency_today()))

    result = crawl("suncoast", env={"TOURSCOPE_BASE_CURRENCY": "RUB"})  # quotes in EUR
    assert result.returncode == 0, result.stderr

    offers = session.scalars(select(Offer).where(Offer.is_active)).all()
    assert offers and {offer.currency for offer in offers} == {"EUR"}
    for offer in offers:
        assert offer.price_base == (offer.price * euro).quantize(Decimal("0.01"), ROUND_HALF_UP)
    monkeypatch.setenv("TOURSCOPE_BASE_CURRENCY", "RUB")
    get_settings.cache_clear()
    by_id = {offer.id: offer for offer in offers}
    in_euros = search_hotels(session, SearchFilters(currency="EUR", adults=2), 20)
    in_roubles = search_hotels(session, SearchFilters(adults=2), 20)  # the base by default
    assert in_euros.hotels and in_roubles.currency == "RUB"
    for hotel in in_euros.hotels:
        assert hotel.min_price == by_id[hotel.offer_id].price  # the operator's own euros
    for hotel in in_roubles.hotels:
        assert hotel.min_price == by_id[hotel.offer_id].price_base


def test_rates_are_due_daily_and_a_failure_waits_for_its_retry():
    day, now = timedelta(days=1), datetime(2026, 11, 29, 12, tzinfo=UTC)

    assert rates_due(day, None, None, now)
    assert not rates_due(day, now - timedelta(hours=23), None, now)
    assert rates_due(day, now - timedelta(hours=24), None, now)
    assert not rates_due(day, None, now - timedelta(minutes=10), now)  # failed just now
    assert rates_due(day, None, now - timedelta(hours=1), now)


def test_the_scheduler_refreshes_the_rates(db_url, sandbox, session, tmp_path):
    make_operator(session, "suncoast").enabled = False  # the rates alone are due
    session.commit()
    env = {
        **os.environ,
        "TOURSCOPE_SANDBOX_URL": sandbox.url,
        "TOURSCOPE_VAR_DIR": str(tmp_path),
        "TOURSCOPE_RATES_URL": f"{sandbox.url}/cbr/scripts/XML_daily.asp",
        "TOURSCOPE_CRAWL_INTERVAL_MINUTES": "600",
    }
    command = [sys.executable, "-m", "tourscope.cli", "schedule", "suncoast", "--tick", "0.3"]
    scheduler = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not stored(session) and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=10)
    assert {day for day, _ in stored(session)} == {in_force(agency_today())}
