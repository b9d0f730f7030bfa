"""Exchange rates as fetched, with the day each is for, and the rates conversions use now.

Rates are stored as their source publishes them: roubles for `nominal` units of a
currency (the Bank of Russia quotes 10 Turkish lira, 100 Armenian drams). A refresh adds
the day's set and never deletes an older one, so a failed refresh leaves the rates in use
untouched. Storing a set moves the catalogue's generation: every converted price shown
changes with it, so pages and answers cached by generation must too.

Search is a hot path, so `current_rates` keeps the rates each worker process read,
keyed by the database and the catalogue generation: one cheap read of the generation a
call, and the rates themselves only after they (or the catalogue) changed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Integer, Numeric, String, UniqueConstraint, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.agency_time import agency_today
from models.base import Base, UTCDateTime, utcnow
from models.catalog.currency import BUILT_IN_RATES, Rates
from models.catalog.generation import bump_generation, current_generation
from models.newest_value import NewestValue

logger = logging.getLogger(__name__)

# The source of the rates prices are shown with: the Bank of Russia's official rates.
CBR_SOURCE = "cbr"
ROUBLE = "RUB"


class ExchangeRate(Base):
    """One currency's rate on one day from one source: `value` roubles for `nominal` units."""

    __tablename__ = "exchange_rates"
    __table_args__ = (UniqueConstraint("source", "rate_date", "currency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))  # "cbr" or an operator's code
    rate_date: Mapped[date] = mapped_column(Date)  # the day the rate is for
    currency: Mapped[str] = mapped_column(String(3))  # ISO 4217
    nominal: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(Numeric(18, 6))  # roubles for `nominal` units
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())


def store_rates(
    session: Session, source: str, rate_date: date, rates: Mapping[str, tuple[int, Decimal]]
) -> int:
    """Store one day's rates of a source (currency -> (nominal, roubles)), replacing only
    that same day's set if it was fetched before; moves the catalogue generation. The
    caller commits. Returns the number of rates stored."""
    if not rates:
        raise ValueError("no rates to store")
    session.execute(
        delete(ExchangeRate).where(
            ExchangeRate.source == source, ExchangeRate.rate_date == rate_date
        )
    )
    now = utcnow()
    session.add_all(
        ExchangeRate(
            source=source,
            rate_date=rate_date,
            currency=currency,
            nominal=nominal,
            value=value,
            fetched_at=now,
        )
        for currency, (nominal, value) in sorted(rates.items())
    )
    session.flush()
    bump_generation(session)
    return len(rates)


def latest_rates(
    session: Session, source: str = CBR_SOURCE, today: date | None = None
) -> Rates | None:
    """The source's newest set of rates for a day up to `today` (the agency's day; a set
    published ahead for tomorrow is used only when there is no older one), or None."""
    today = today or agency_today()
    dated = select(func.max(ExchangeRate.rate_date)).where(ExchangeRate.source == source)
    rate_date = session.scalar(dated.where(ExchangeRate.rate_date <= today))
    if rate_date is None:
        rate_date = session.scalar(
            select(func.min(ExchangeRate.rate_date)).where(ExchangeRate.source == source)
        )
    if rate_date is None:
        return None
    rows = session.execute(
        select(ExchangeRate.currency, ExchangeRate.nominal, ExchangeRate.value).where(
            ExchangeRate.source == source, ExchangeRate.rate_date == rate_date
        )
    ).all()
    values = {currency: Decimal(value) / nominal for currency, nominal, value in rows}
    values[ROUBLE] = Decimal(1)
    return Rates(unit_values=values, rate_date=rate_date, source=source)


def last_fetched_at(session: Session, source: str = CBR_SOURCE) -> datetime | None:
    """When the source's rates were last stored (None: never)."""
    return session.scalar(
        select(func.max(ExchangeRate.fetched_at)).where(ExchangeRate.source == source)
    )


_cache: NewestValue[Rates] = NewestValue()
_warned_built_in = threading.Event()


def _read_rates(session: Session, today: date) -> Rates:
    rates = latest_rates(session, today=today)
    if rates is not None:
        return rates
    if not _warned_built_in.is_set():
        _warned_built_in.set()
        logger.warning(
            "no exchange rates were ever fetched: converting with the built-in "
            "reference rates (run `tourscope rates refresh`)"
        )
    return BUILT_IN_RATES


def current_rates(session: Session) -> Rates:
    """The rates prices are converted with now: the Bank of Russia's newest stored set,
    or the built-in reference table when none was ever fetched (its `built_in` says so).
    Kept per (database, catalogue generation, day)."""
    today = agency_today()
    key = (session.get_bind(), current_generation(session), today)
    return _cache.get(key, lambda: _read_rates(session, today))


def forget_cached_rates() -> None:
    """Drop the process's cached rates (a test that empties the database by hand)."""
    _cache.clear()
