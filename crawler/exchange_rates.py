"""Fetch the Bank of Russia's daily exchange rates and store them with their date.

The answer (https://www.cbr.ru/scripts/XML_daily.asp, replayed by sandbox/cbr.py) is XML
in windows-1251: `<ValCurs Date="dd.mm.yyyy">` and one `<Valute>` per currency with its
`CharCode`, `Nominal` and `Value` (roubles for `Nominal` units, decimal comma). Anything
else (an error page, a cut-off answer, a rate that is not a positive number, a currency
prices are shown in gone missing) is refused with one readable line and stores nothing:
the rates in use stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

import httpx
from sqlalchemy.orm import Session

from models.catalog.currency import DISPLAY_CURRENCIES
from models.catalog.exchange_rates import CBR_SOURCE, ROUBLE, store_rates

USER_AGENT = "Tourscope/1.0 (exchange rates)"


class RatesError(Exception):
    """A refresh that stored nothing, with the one-line reason."""


@dataclass(frozen=True)
class DailyRates:
    rate_date: date
    rates: dict[str, tuple[int, Decimal]]  # currency -> (nominal, roubles for nominal units)


def parse_daily_rates(body: bytes) -> DailyRates:
    """The rates of one `XML_daily.asp` answer; RatesError when it is not one."""
    try:
        root = ElementTree.fromstring(body)  # the XML declaration names its encoding
    except ElementTree.ParseError as error:
        raise RatesError(f"the answer is not the rates' XML ({error})") from None
    if root.tag != "ValCurs":
        raise RatesError(f"the answer is XML but not rates (<{root.tag}>)")
    try:
        rate_date = datetime.strptime(root.get("Date", ""), "%d.%m.%Y").date()
    except ValueError:
        raise RatesError(f"the rates' date {root.get('Date')!r} is not dd.mm.yyyy") from None
    rates: dict[str, tuple[int, Decimal]] = {}
    for valute in root.iter("Valute"):
        code = (valute.findtext("CharCode") or "").strip().upper()
        nominal_text = (valute.findtext("Nominal") or "").strip()
        value_text = (valute.findtext("Value") or "").strip().replace(",", ".")
        try:
            nominal, value = int(nominal_text), Decimal(value_text)
        except (ValueError, InvalidOperation):
            raise RatesError(f"the rate of {code or '?'} is not a number") from None
        if len(code) != 3 or nominal <= 0 or not value.is_finite() or value <= 0:
            raise RatesError(f"the rate of {code or '?'} is not a positive rate")
        rates[code] = (nominal, value)
    missing = [code for code in DISPLAY_CURRENCIES if code != ROUBLE and code not in rates]
    if missing:
        raise RatesError(f"the answer has no rate for {', '.join(missing)}")
    return DailyRates(rate_date, rates)


def fetch_daily_rates(url: str, day: date | None = None, timeout: float = 20) -> DailyRates:
    """Ask `url` (the bank's `XML_daily.asp`) for the rates in force on `day` (default: the
    latest); RatesError with the reason when that fails."""
    params = {"date_req": f"{day:%d/%m/%Y}"} if day else None
    try:
        response = httpx.get(
            url, params=params, timeout=timeout, headers={"User-Agent": USER_AGENT}
        )
    except httpx.HTTPError as error:
        raise RatesError(f"cannot reach {url}: {error or type(error).__name__}") from None
    if response.status_code >= 400:
        raise RatesError(f"{url} answered HTTP {response.status_code}")
    return parse_daily_rates(response.content)


def refresh_rates(session: Session, url: str, day: date | None = None) -> DailyRates:
    """Fetch the bank's rates and store them with their date (the caller commits)."""
    daily = fetch_daily_rates(url, day)
    store_rates(session, CBR_SOURCE, daily.rate_date, daily.rates)
    return daily
