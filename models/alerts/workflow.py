"""Price alerts' rules: subscribing with double opt-in, the signed links, the digests.

A visitor leaves an e-mail address on a results page or a hotel page; the alert is stored
unconfirmed and a confirmation mail goes through the outbox. The link in it (signed,
tourscope/foundation/signing.py) confirms the alert; every mail carries a one-click unsubscribe
link. At most `price_alert_limit_per_day` new alerts per address a day, so the form
cannot be used to flood someone's mailbox.

After a crawl lands (crawler/pipelines/store.py) and on each round of `tourscope care`,
`queue_price_alert_digests` writes one digest per subscriber: the offers of the alert's
search (and hotel) that are now at least `price_alert_threshold_percent` cheaper than
when the alert was made and got cheaper since the last digest, each with a link to the
hotel page for that search. An offer's price at an earlier instant is read back from
`price_changes` (models/catalog/price_history.py); offers first seen after the alert was
made have no earlier price and are not announced. Alerts whose search's last departure
date has passed send nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.agency_time import agency_today
from models.alerts.records import PriceAlert
from models.base import utcnow
from models.catalog.exchange_rates import current_rates
from models.catalog.hotel_merges import live_hotel_id
from models.catalog.hotels import Hotel
from models.catalog.offers import Offer, PriceChange
from models.catalog.price_history import price_at
from models.catalog.search import in_currency, offer_conditions
from models.catalog.search_filters import SearchFilters, filters_from_query
from models.leads.records import OutboxMessage
from tourscope.foundation.formatting import format_day, format_money
from tourscope.foundation.i18n import gettext as _
from tourscope.foundation.i18n import ngettext, use_locale
from tourscope.foundation.settings import get_settings
from tourscope.foundation.signing import sign, signature_holds

CONFIRM = b"tourscope price alert confirmation v1"
UNSUBSCRIBE = b"tourscope price alert unsubscribe v1"
MAX_DIGEST_OFFERS = 20
_TOKEN = re.compile(r"([1-9][0-9]{0,9})\.([A-Za-z0-9_-]{43})")


class AlertLimitReached(Exception):
    """This address has made its alerts for today."""


class AlertSearchPast(Exception):
    """The search's departure dates have all passed: there is nothing left to watch."""


class AlertLinkInvalid(Exception):
    """A confirmation or unsubscribe link that is malformed, tampered with or unknown."""


# --- Subscribing -------------------------------------------------------------------------


def pinned_search(filters: SearchFilters, today: date) -> SearchFilters:
    """The search with its departure window written out, so that the alert keeps watching
    the dates the visitor saw (a search without dates would otherwise slide each day)."""
    start, end = filters.departure_window(today)
    return filters.model_copy(
        update={"date": None, "flex_days": 0, "date_from": start, "date_to": end, "page": 1}
    )


def subscribe(
    session: Session,
    email: str,
    filters: SearchFilters,
    *,
    hotel_id: int | None,
    language: str,
    now: datetime | None = None,
) -> PriceAlert:
    """Store an unconfirmed alert and queue its confirmation mail (the caller commits).

    Raises AlertSearchPast when the search's last departure date has passed, and
    AlertLimitReached when the address made `price_alert_limit_per_day` alerts in the
    last 24 hours.
    """
    now = now or utcnow()
    email = email.strip().lower()
    search = pinned_search(filters, agency_today(now))
    if search.date_to < agency_today(now):
        raise AlertSearchPast()
    recent = session.scalar(
        select(func.count())
        .select_from(PriceAlert)
        .where(PriceAlert.email == email, PriceAlert.created_at > now - timedelta(days=1))
    )
    if recent >= get_settings().price_alert_limit_per_day:
        raise AlertLimitReached()
    alert = PriceAlert(
        email=email,
        search_query=urlencode(search.query_params()),
        hotel_id=hotel_id,
        currency=filters.currency,
        language=language,
        created_at=now,
        expires_on=search.date_to,
    )
    session.add(alert)
    session.flush()
    with use_locale(language):
        subject = _("Confirm your price alert")
        body = "\n\n".join(
            [
                _("You asked us to tell you when this search gets cheaper:"),
                f"{_alert_subject(session, alert)}\n{search_url(alert)}",
                _("To start the alert, open this link:") + f"\n{confirm_url(alert)}",
                _("If it was not you, ignore this mail: nothing will be sent."),
            ]
        )
    _queue_mail(session, alert, subject, body, now)
    return alert


def _queue_mail(
    session: Session, alert: PriceAlert, subject: str, body: str, now: datetime
) -> None:
    session.add(OutboxMessage.due_now(alert.email, subject, body, now))


def _alert_subject(session: Session, alert: PriceAlert) -> str:
    """What the alert watches, in a line: the hotel (if one) and the dates."""
    filters = filters_from_query(alert.search_query)
    dates = _("departing %(start)s to %(end)s") % {
        "start": format_day(filters.date_from),
        "end": format_day(filters.date_to),
    }
    if alert.hotel_id is None:
        return dates
    name = session.scalar(select(Hotel.name).where(Hotel.id == alert.hotel_id)) or ""
    return f"{name}, {dates}"


# --- The signed links --------------------------------------------------------------------


def alert_token(alert_id: int, purpose: bytes) -> str:
    return f"{alert_id}.{sign(purpose, str(alert_id))}"


def confirm_url(alert: PriceAlert) -> str:
    return f"{get_settings().effective_site_url}/alerts/confirm/{alert_token(alert.id, CONFIRM)}"


def unsubscribe_url(alert: PriceAlert) -> str:
    token = alert_token(alert.id, UNSUBSCRIBE)
    return f"{get_settings().effective_site_url}/alerts/unsubscribe/{token}"


def search_url(alert: PriceAlert) -> str:
    site = get_settings().effective_site_url
    if alert.hotel_id is not None:
        return f"{site}/hotels/{alert.hotel_id}?{alert.search_query}"
    return f"{site}/?{alert.search_query}"


def _alert_of(session: Session, token: str, purpose: bytes) -> PriceAlert:
    match = _TOKEN.fullmatch(token) if len(token) <= 60 else None
    if match is None or not signature_holds(purpose, match[1], match[2]):
        raise AlertLinkInvalid()
    alert = session.get(PriceAlert, int(match[1]))
    if alert is None:
        raise AlertLinkInvalid()
    return alert


def confirm(session: Session, token: str, now: datetime | None = None) -> PriceAlert:
    """Confirm the alert of a confirmation link (again is harmless); AlertLinkInvalid."""
    alert = _alert_of(session, token, CONFIRM)
    if alert.confirmed_at is None and alert.unsubscribed_at is None:
        alert.confirmed_at = now or utcnow()
    return alert


def unsubscribe(session: Session, token: str, now: datetime | None = None) -> PriceAlert:
    """End the alert of an unsubscribe link (again is harmless); AlertLinkInvalid."""
    alert = _alert_of(session, token, UNSUBSCRIBE)
    if alert.unsubscribed_at is None:
        alert.unsubscribed_at = now or utcnow()
    return alert


# --- The digests -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheaperOffer:
    hotel_id: int
    hotel_name: str
    departure_date: date
    nights: int
    was: Decimal  # in the alert's currency
    now: Decimal


def cheaper_offers(
    session: Session, alert: PriceAlert, now: datetime | None = None
) -> list[CheaperOffer]:
    """The alert's offers now at least the threshold cheaper than when it was made, that
    got cheaper since its last digest; cheapest first, at most MAX_DIGEST_OFFERS."""
    now = now or utcnow()
    filters = filters_from_query(alert.search_query)
    rates = current_rates(session)
    conditions = offer_conditions(filters, agency_today(now), rates)
    if alert.hotel_id is not None:
        # An admin may have merged the hotel into another since: follow it.
        hotel_id = live_hotel_id(session, alert.hotel_id) or alert.hotel_id
        conditions.append(Offer.hotel_id == hotel_id)
    since = alert.last_digest_at or alert.created_at
    changed_since = select(PriceChange.offer_id).where(PriceChange.changed_at > since)
    offers = session.execute(
        select(
            Offer.id,
            Offer.hotel_id,
            Hotel.name,
            Offer.departure_date,
            Offer.nights,
            Offer.price_base,
        )
        .join(Hotel, Offer.hotel_id == Hotel.id)
        .where(
            *conditions,
            Offer.first_seen_at <= alert.created_at,
            Offer.id.in_(changed_since),
        )
    ).all()
    if not offers:
        return []
    changes: dict[int, list[tuple[datetime, Decimal]]] = defaultdict(list)
    for offer_id, changed_at, old_price in session.execute(
        select(PriceChange.offer_id, PriceChange.changed_at, PriceChange.old_price_base)
        .where(
            PriceChange.offer_id.in_([row[0] for row in offers]),
            PriceChange.changed_at >= alert.created_at,
        )
        .order_by(PriceChange.offer_id, PriceChange.changed_at, PriceChange.id)
    ):
        changes[offer_id].append((changed_at, Decimal(old_price)))
    keep = 1 - Decimal(str(get_settings().price_alert_threshold_percent)) / 100
    found = []
    for offer_id, hotel_id, hotel_name, departure, nights, price_now in offers:
        price_now = Decimal(price_now)
        was = price_at(price_now, changes[offer_id], alert.created_at)
        before = price_at(price_now, changes[offer_id], since)
        if price_now <= was * keep and price_now < before:
            found.append(
                CheaperOffer(
                    hotel_id=hotel_id,
                    hotel_name=hotel_name,
                    departure_date=departure,
                    nights=nights,
                    was=in_currency(was, alert.currency, rates),
                    now=in_currency(price_now, alert.currency, rates),
                )
            )
    found.sort(key=lambda offer: (offer.now, offer.departure_date, offer.hotel_id))
    return found[:MAX_DIGEST_OFFERS]


def queue_price_alert_digests(session: Session, now: datetime | None = None) -> int:
    """One digest per live alert with offers that got cheaper; returns the digests queued.

    The caller commits; `last_digest_at` is set with the mail, so the same drop is never
    announced twice.
    """
    now = now or utcnow()
    live = session.scalars(
        select(PriceAlert)
        .where(
            PriceAlert.confirmed_at.is_not(None),
            PriceAlert.unsubscribed_at.is_(None),
            PriceAlert.expires_on >= agency_today(now),
        )
        .order_by(PriceAlert.id)
    ).all()
    queued = 0
    for alert in live:
        offers = cheaper_offers(session, alert, now)
        if not offers:
            continue
        _queue_mail(session, alert, *digest_email(session, alert, offers), now)
        alert.last_digest_at = now
        queued += 1
    session.flush()
    return queued


def digest_email(
    session: Session, alert: PriceAlert, offers: list[CheaperOffer]
) -> tuple[str, str]:
    """(subject, plain-text body) of a digest, in the subscriber's language."""
    with use_locale(alert.language):
        subject = ngettext(
            "%(num)d offer got cheaper", "%(num)d offers got cheaper", len(offers)
        ) % {"num": len(offers)}
        site = get_settings().effective_site_url
        lines = [_("Offers of your search got cheaper:"), _alert_subject(session, alert), ""]
        for offer in offers:
            lines.append(
                _("%(hotel)s, departing %(date)s, %(nights)s: %(was)s → %(now)s")
                % {
                    "hotel": offer.hotel_name,
                    "date": format_day(offer.departure_date),
                    "nights": ngettext("%(num)d night", "%(num)d nights", offer.nights)
                    % {"num": offer.nights},
                    "was": format_money(offer.was, alert.currency),
                    "now": format_money(offer.now, alert.currency),
                }
            )
            lines.append(f"{site}/hotels/{offer.hotel_id}?{alert.search_query}")
        lines += ["", _("To stop these mails, open this link:"), unsubscribe_url(alert)]
        return subject, "\n".join(lines)
