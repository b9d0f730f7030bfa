"""The write path of a visitor's request: snapshot, lead, history, outbox, re-check answer.

`create_lead` adds the lead, its "created" event and the managers' notification e-mail
to the session, and `queue_recheck` the job that has its offer re-checked; the caller
commits them together, before anything else is tried (the re-check, the e-mail), so a
request once accepted is never lost. The re-check worker (tourscope/workers/rechecks.py) asks the
operator later, and `record_recheck` stores its answer beside the snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from email.utils import parseaddr
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.accounts.users import Capability, User, roles_that_may
from models.base import utcnow
from models.catalog.currency import base_currency
from models.catalog.exchange_rates import current_rates
from models.catalog.hotels import Country, DepartureCity, Hotel, Operator, Resort
from models.catalog.offers import Offer
from models.leads.records import (
    Lead,
    LeadEvent,
    LeadEventKind,
    LeadSource,
    OutboxMessage,
    RecheckJob,
    RecheckStatus,
)
from models.leads.scoring import LeadScore, TripFacts, scoring_rules
from tourscope.foundation.i18n import gettext as _
from tourscope.foundation.i18n import ngettext, use_locale
from tourscope.foundation.settings import get_settings

# A re-checked price within this much of the snapshot's is the same price: operators round
# their pages to whole units.
PRICE_TOLERANCE = Decimal("1.00")
RECHECK_NOTES = {
    RecheckStatus.AVAILABLE: "still available at the same price",
    RecheckStatus.CHANGED: "available at a new price",
    RecheckStatus.GONE: "no longer sold by the operator",
    RecheckStatus.NO_ANSWER: "the operator did not answer",
}


@dataclass(frozen=True, slots=True)
class LeadContact:
    """What the visitor typed in the lead form, already validated."""

    name: str
    phone: str | None
    email: str | None
    contact_time: str | None
    wishes: str | None
    extras: list[str]
    consent: bool


@dataclass(frozen=True, slots=True)
class RecheckAnswer:
    status: RecheckStatus
    price: Decimal | None = None
    currency: str | None = None
    detail: str = ""


def party_text(adults: int, children: int, infants: int = 0) -> str:
    """ "2 adults + 1 child" in the current language ("2 взрослых + 1 ребёнок")."""
    text = ngettext("%(num)d adult", "%(num)d adults", adults) % {"num": adults}
    if children:
        text += " + " + ngettext("%(num)d child", "%(num)d children", children) % {"num": children}
    if infants:
        text += " + " + ngettext("%(num)d infant", "%(num)d infants", infants) % {"num": infants}
    return text


def _day(value: date) -> str:
    return f"{value.day} {value.strftime('%b %Y')}"


def offer_snapshot(
    session: Session, offer_id: int, currency: str | None = None, infants: int = 0
) -> dict[str, Any] | None:
    """The offer as the visitor sees it now, for the lead to keep; None if there is none.

    The keys the manager reads are display values (`hotel`, `operator`, `dates`, `nights`,
    `meal`, `room`, `party`, `price` and `currency` in the visitor's currency, `url`,
    `checked_at`); the structured values sit beside them (`hotel_id`, `stars`,
    `departure_date`, `operator_price` and `operator_currency` as the operator quotes it,
    `price_eur`...).
    """
    row = session.execute(
        select(Offer, Hotel, Resort.name, Country.name, Operator, DepartureCity.name)
        .join(Hotel, Offer.hotel_id == Hotel.id)
        .join(Resort, Hotel.resort_id == Resort.id)
        .join(Country, Resort.country_id == Country.id)
        .join(Operator, Offer.operator_id == Operator.id)
        .join(DepartureCity, Offer.departure_city_id == DepartureCity.id)
        .where(Offer.id == offer_id)
    ).one_or_none()
    if row is None:
        return None
    offer, hotel, resort, country, operator, city = row
    base, rates = base_currency(), current_rates(session)
    currency = currency or base
    price = rates.convert(offer.price_base, base, currency)
    if price is None:
        price, currency = offer.price_base, base
    price_eur = rates.convert(offer.price_base, base, "EUR")
    back = offer.departure_date + timedelta(days=offer.nights)
    return {
        "hotel": hotel.name,
        "hotel_id": hotel.id,
        "stars": hotel.stars,
        "resort": resort,
        "country": country,
        "operator": operator.name,
        "operator_code": operator.code,
        "offer_key": offer.offer_key,
        "departure_city": city,
        "departure_date": offer.departure_date.isoformat(),
        "return_date": back.isoformat(),
        "dates": f"{_day(offer.departure_date)} – {_day(back)}",
        "nights": offer.nights,
        "meal": offer.meal,
        "room": offer.room_type,
        "adults": offer.adults,
        "children": offer.children,
        "infants": infants,
        "party": party_text(offer.adults, offer.children, infants),
        "price": str(price),
        "currency": currency,
        "price_eur": str(price_eur if price_eur is not None else offer.price_base),
        "operator_price": str(offer.price),
        "operator_currency": offer.currency,
        "availability": offer.availability,
        "active": offer.is_active,
        "url": offer.url,
        "checked_at": offer.last_seen_at.isoformat(),
    }


def snapshot_facts(snapshot: dict[str, Any], extras: list[str]) -> TripFacts:
    """The scoring facts of an offer snapshot and the extras asked for."""
    price = snapshot.get("price_eur")
    return TripFacts(
        total_eur=Decimal(price) if price is not None else None,
        stars=snapshot.get("stars"),
        hotel_name=snapshot.get("hotel"),
        adults=snapshot.get("adults"),
        children=(snapshot.get("children") or 0) + (snapshot.get("infants") or 0),
        nights=snapshot.get("nights"),
        extras=tuple(extras),
    )


def recent_lead_count(session: Session, client_key: str, within: timedelta) -> int:
    """Leads stored for this client in the last `within`: the rate limit's count."""
    since = utcnow() - within
    return session.scalar(
        select(func.count())
        .select_from(Lead)
        .where(Lead.client_key == client_key, Lead.created_at >= since)
    )


def notification_recipients(session: Session, configured: list[str], fallback: str) -> list[str]:
    """Who hears of a new lead: the configured addresses, else every active account whose
    role works leads (sales, managers, admins), else `fallback` (the sender's own
    address), so a lead is never announced to nobody."""
    if configured:
        return configured
    emails = session.scalars(
        select(User.email)
        .where(User.active.is_(True), User.role.in_(roles_that_may(Capability.LEADS)))
        .order_by(User.id)
    ).all()
    return list(emails) or [parseaddr(fallback)[1] or fallback]


def create_lead(
    session: Session,
    *,
    contact: LeadContact,
    source: LeadSource,
    snapshot: dict[str, Any],
    score: LeadScore,
    recipients: list[str],
    site_url: str,
    offer_id: int | None = None,
    search_query: str | None = None,
    client_key: str | None = None,
    language: str | None = None,
) -> Lead:
    """Adds the lead, its "created" event and the managers' e-mail to the session.

    The caller commits: the three exist together or not at all. A lead from an offer
    waits for its re-check (`pending`); a lead from a search has nothing to re-check.
    """
    now = utcnow()
    lead = Lead(
        created_at=now,
        score=score.score,
        score_reasons=list(score.reasons),
        name=contact.name,
        phone=contact.phone,
        email=contact.email,
        contact_time=contact.contact_time,
        wishes=contact.wishes,
        extras=list(contact.extras),
        consent=contact.consent,
        source=source,
        search_query=search_query,
        offer_id=offer_id,
        snapshot=snapshot,
        recheck_status=RecheckStatus.PENDING if offer_id is not None else None,
        client_key=client_key,
        language=language,
    )
    session.add(lead)
    session.flush()
    lead.events.append(
        LeadEvent(lead_id=lead.id, at=now, kind=LeadEventKind.CREATED, to_status=lead.status)
    )
    subject, body = notification_email(lead, site_url)
    session.add(OutboxMessage.due_now(", ".join(recipients), subject, body, now, lead_id=lead.id))
    session.flush()
    return lead


def queue_recheck(session: Session, lead: Lead) -> RecheckJob:
    """Queue the lead's offer for the re-check worker, due at once; the caller commits it
    with the lead."""
    job = RecheckJob(lead_id=lead.id, created_at=lead.created_at, next_attempt_at=lead.created_at)
    session.add(job)
    session.flush()
    return job


def notification_email(lead: Lead, site_url: str) -> tuple[str, str]:
    """The managers' e-mail for a new lead: (subject, plain-text body), in the agency's
    language (settings `default_locale`), whatever the visitor's was."""
    with use_locale(get_settings().default_locale):
        return _notification_email(lead, site_url)


def _notification_email(lead: Lead, site_url: str) -> tuple[str, str]:
    rules = scoring_rules()
    high = lead.score >= rules.high_value
    snapshot = lead.snapshot or {}
    what = snapshot.get("hotel") or snapshot.get("search") or _("a search")
    kind = _("High-value lead") if high else _("New lead")
    subject = f"{kind} #{lead.id}: {lead.name} – {what}"
    extras = [_(rules.extras[code].label) for code in lead.extras if code in rules.extras]
    opening = (
        _("A visitor asked for a manager (lead #%(id)d, score %(score)d, high value).")
        if high
        else _("A visitor asked for a manager (lead #%(id)d, score %(score)d).")
    )
    lines = [
        opening % {"id": lead.id, "score": lead.score},
        "",
        _("Why: %(reasons)s")
        % {"reasons": ", ".join(lead.score_reasons) or _("no scoring rule met")},
        "",
        _("Name: %(value)s") % {"value": lead.name},
        _("Phone: %(value)s") % {"value": lead.phone or "-"},
        _("E-mail: %(value)s") % {"value": lead.email or "-"},
        _("Preferred contact time: %(value)s") % {"value": lead.contact_time or _("any")},
        _("Extras: %(value)s") % {"value": ", ".join(extras) or "-"},
        _("Wishes:"),
        lead.wishes or "-",
        "",
    ]
    if lead.source == LeadSource.HOTEL:
        nights = snapshot.get("nights")
        lines += [
            _("The offer the visitor saw:"),
            f"  {snapshot.get('hotel')} ({snapshot.get('resort')}, {snapshot.get('country')})",
            "  "
            + _("%(operator)s: %(dates)s, %(nights)s from %(city)s")
            % {
                "operator": snapshot.get("operator"),
                "dates": snapshot.get("dates"),
                "nights": ngettext("%(num)d night", "%(num)d nights", nights) % {"num": nights}
                if isinstance(nights, int)
                else nights,
                "city": snapshot.get("departure_city"),
            },
            f"  {snapshot.get('room')}, {snapshot.get('meal')}, {snapshot.get('party')}",
            f"  {snapshot.get('price')} {snapshot.get('currency')} ("
            + _("the operator's price %(price)s %(currency)s, checked %(checked)s")
            % {
                "price": snapshot.get("operator_price"),
                "currency": snapshot.get("operator_currency"),
                "checked": snapshot.get("checked_at"),
            }
            + ")",
            f"  {snapshot.get('url')}",
            _("The offer is being re-checked at the operator; the lead page shows the answer."),
        ]
    else:
        lines += [_("The search: %(search)s") % {"search": snapshot.get("search", "-")}]
        if lead.search_query:
            lines.append(f"  {site_url}/?{lead.search_query}")
    lines += [
        "",
        _("Open the lead: %(url)s") % {"url": f"{site_url}/manager/leads/{lead.id}"},
        "",
    ]
    return subject[:300], "\n".join(lines)


def judge_recheck(
    outcome: str,
    price: Decimal | None,
    currency: str | None,
    expected_price: Decimal | None,
    expected_currency: str | None,
) -> RecheckStatus:
    """The re-check's status from what the operator's page said (`found`, `gone`,
    `no_answer`) and the price the visitor was shown (in the operator's currency)."""
    if outcome == "gone":
        return RecheckStatus.GONE
    if outcome != "found" or price is None:
        return RecheckStatus.NO_ANSWER
    if expected_price is None or (currency and expected_currency and currency != expected_currency):
        return RecheckStatus.CHANGED
    if abs(price - expected_price) <= PRICE_TOLERANCE:
        return RecheckStatus.AVAILABLE
    return RecheckStatus.CHANGED


def record_recheck(
    session: Session, lead: Lead, answer: RecheckAnswer, at: datetime | None = None
) -> None:
    """Stores the operator's answer on the lead, with a "recheck" event; the caller commits."""
    at = at or utcnow()
    lead.recheck_status = answer.status
    priced = answer.status in (RecheckStatus.AVAILABLE, RecheckStatus.CHANGED)
    lead.recheck_price = answer.price if priced else None
    lead.recheck_currency = answer.currency if lead.recheck_price is not None else None
    lead.rechecked_at = at
    note = RECHECK_NOTES[answer.status]
    if answer.status == RecheckStatus.CHANGED and answer.price is not None:
        note += f": {answer.price} {answer.currency or ''}".rstrip()
    if answer.detail:
        note += f" ({answer.detail})"
    session.add(LeadEvent(lead_id=lead.id, at=at, kind=LeadEventKind.RECHECK, note=note[:2000]))
