"""A crawl that lands queues the price-alert digests of what it made cheaper."""

from datetime import timedelta

from sqlalchemy import select

from models import Country, OutboxMessage, PriceAlert
from models.agency_time import agency_today
from models.alerts.workflow import subscribe
from models.base import utcnow
from models.catalog.search_filters import SearchFilters


def test_a_landing_that_lowers_prices_queues_one_digest_per_subscriber(crawl, sandbox, session):
    assert crawl("suncoast").returncode == 0
    country = session.scalars(select(Country.code).order_by(Country.code)).first()
    today = agency_today()
    filters = SearchFilters(country=country, date_from=today, date_to=today + timedelta(days=300))
    for address in ("ann@example.com", "bob@example.com"):
        subscribe(session, address, filters, hotel_id=None, language="en").confirmed_at = utcnow()
    unconfirmed = subscribe(session, "eve@example.com", filters, hotel_id=None, language="en")
    session.commit()
    confirmations = session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))

    sandbox.configure("suncoast", epoch=1)  # prices move up and down by up to 10%
    result = crawl("suncoast", env={"TOURSCOPE_PRICE_ALERT_THRESHOLD_PERCENT": "1"})

    assert result.returncode == 0, result.stderr[-2000:]
    session.expire_all()
    digests = session.scalars(
        select(OutboxMessage).where(OutboxMessage.id > confirmations).order_by(OutboxMessage.id)
    ).all()
    assert [message.to_address for message in digests] == ["ann@example.com", "bob@example.com"]
    assert all("got cheaper" in message.subject for message in digests)
    assert "/hotels/" in digests[0].body and "/alerts/unsubscribe/" in digests[0].body
    assert session.get(PriceAlert, unconfirmed.id).last_digest_at is None
