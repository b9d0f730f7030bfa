"""The visitor's side of leads: the request form, its confirmation, and the invitations.

`GET /leads/new?offer_id=ID&<search>` asks about one offer (a hotel page's "request this
tour"); `GET /leads/new?<search>` about a whole search. `POST /leads/new` checks the
CSRF token, the honeypot, every field and the rate limit; then the lead, its history,
the managers' e-mail and the job that re-checks its offer are committed together, and
the visitor is sent to the confirmation page at once. The re-check worker (`tourscope
rechecks`, tourscope/workers/rechecks.py) asks the operator and stores the answer beside the
snapshot; the confirmation page says the price is being checked, updates itself (a small
script, or a refresh without JavaScript), and tells the answer honestly when it is there.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from models import Lead
from models.agency_time import agency_today
from models.base import utcnow
from models.catalog.exchange_rates import current_rates
from models.catalog.search_filters import SearchFilters, filters_from_query
from models.leads.intake import (
    create_lead,
    notification_recipients,
    offer_snapshot,
    party_text,
    queue_recheck,
    recent_lead_count,
    snapshot_facts,
)
from models.leads.records import LeadSource, RecheckStatus
from models.leads.scoring import score_lead, scoring_rules
from tourscope.foundation.i18n import current_locale
from tourscope.foundation.settings import get_settings
from tourscope.foundation.signing import sign, signature_holds
from webapp import csrf
from webapp.client_address import client_key as address_key
from webapp.deps import RowId, open_session, parse_id
from webapp.lead_form import (
    CONTACT_TIMES,
    HONEYPOT,
    LABELS,
    MAX_BODY_BYTES,
    MAX_FIELDS,
    LeadFormInput,
    read_form,
    validate,
)
from webapp.lead_invitations import search_facts, search_pairs
from webapp.search_summary import describe_search
from webapp.templating import templates

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

RATE_WINDOW = timedelta(hours=1)
# How long the confirmation page waits for the re-check (refreshing itself) before it
# says the manager will check the price instead; a late answer still shows on reload.
RECHECK_PATIENCE = timedelta(minutes=2)
# Seconds between the confirmation page's looks while the re-check is pending.
RECHECK_POLL_SECONDS = 2


# --- The form ----------------------------------------------------------------------------


def _search_snapshot(filters: SearchFilters) -> dict[str, Any]:
    today = agency_today()
    start, end = filters.departure_window(today)
    return {
        "search": describe_search(filters, today),
        "party": party_text(filters.adults, filters.children, filters.infants),
        "adults": filters.adults,
        "children": filters.children,
        "infants": filters.infants,
        "country": filters.country,
        "departure_city": filters.departure_city,
        "dates": f"{max(start, today).isoformat()} – {end.isoformat()}",
        "nights_min": filters.nights_min,
        "nights_max": filters.nights_max,
        "stars_min": filters.stars_min,
        "price_min": str(filters.price_min) if filters.price_min is not None else None,
        "price_max": str(filters.price_max) if filters.price_max is not None else None,
        "currency": filters.currency,
    }


def _subject(session: Session, offer_id: str, filters: SearchFilters) -> dict[str, Any] | None:
    """The snapshot of what the request is about: the offer, or the search; None for an
    offer that is not there (or a typed id that cannot name one)."""
    if offer_id:
        number = parse_id(offer_id)
        return (
            offer_snapshot(session, number, filters.currency, filters.infants) if number else None
        )
    return _search_snapshot(filters)


def _render_form(
    request: Request,
    session: Session,
    data: LeadFormInput,
    *,
    status_code: int = 200,
    message: str | None = None,
) -> HTMLResponse:
    filters = filters_from_query(data.values.get("search_query", ""))
    offer_id = data.values.get("offer_id", "")
    subject = _subject(session, offer_id, filters)
    if offer_id and subject is None:
        data.errors.setdefault("offer_id", "This offer is no longer in our catalogue.")
    context = {
        "data": data,
        "values": data.values,
        "errors": data.errors,
        "labels": LABELS,
        "message": message,
        "subject": subject,
        "source": "hotel" if offer_id else "search",
        "contact_times": CONTACT_TIMES,
        "extras": scoring_rules().extras,
        "honeypot": HONEYPOT,
        "back_url": _back_url(subject, filters),
    }
    return templates.TemplateResponse(request, "lead_form.html", context, status_code=status_code)


def _back_url(subject: dict[str, Any] | None, filters: SearchFilters) -> str:
    query = urlencode(search_pairs(filters))
    if subject and subject.get("hotel_id"):
        return f"/hotels/{subject['hotel_id']}" + (f"?{query}" if query else "")
    return "/" + (f"?{query}" if query else "")


@router.get("/leads/new", response_class=HTMLResponse)
def lead_form(request: Request) -> HTMLResponse:
    """The request form, about one offer (`offer_id`) or about the search in the query."""
    params = request.query_params
    offer_id = params.get("offer_id", "")[:12]
    search = urlencode([(k, v) for k, v in params.multi_items() if k != "offer_id" and v])
    data = LeadFormInput(
        values={
            "name": "",
            "phone": "",
            "email": "",
            "contact_time": "",
            "wishes": "",
            "offer_id": offer_id if offer_id.isdigit() else "",
            "search_query": search[:2000],
        }
    )
    with open_session() as session:
        response = _render_form(request, session, data)
    if data.errors.get("offer_id"):
        response.status_code = 404
    return response


async def posted_lead(request: Request) -> csrf.PostedForm | None:
    """The posted request form with its token's verdict; None when it is too large to read
    (told by its length, or by too many or too large fields), which is answered with 413."""
    size = request.headers.get("content-length", "")
    if size.isdigit() and int(size) > MAX_BODY_BYTES:
        return None
    try:
        return await csrf.read_posted(
            request, max_files=0, max_fields=MAX_FIELDS, max_part_size=16 * 1024
        )
    except (HTTPException, MultiPartException):
        return None


PostedLead = Annotated[csrf.PostedForm | None, Depends(posted_lead)]


@router.post("/leads/new", response_class=HTMLResponse)
async def submit_lead(request: Request, posted: PostedLead) -> Response:
    """Store the request, with its offer's re-check queued, and answer at once."""
    if posted is None:
        return _too_large(request)
    data = read_form(posted.fields)
    return await run_in_threadpool(_handle_submission, request, data, posted.token_holds)


def _too_large(request: Request) -> HTMLResponse:
    data = LeadFormInput(
        values={k: "" for k in ("name", "phone", "email", "contact_time", "wishes")}
        | {"offer_id": "", "search_query": ""}
    )
    message = "The form was too large to read; please shorten your wishes and send it again."
    with open_session() as session:
        return _render_form(request, session, data, status_code=413, message=message)


def client_key(request: Request) -> str:
    """The key the lead rate limit counts the client's address by (webapp/client_address.py)."""
    return address_key(request, "lead-rate")


def _handle_submission(request: Request, data: LeadFormInput, token_holds: bool) -> Response:
    settings = get_settings()
    with open_session() as session:
        if not token_holds:
            message = (
                "For your safety this form has expired (or did not come from this site). "
                "Nothing was sent: check your details below and send it again."
            )
            validate(data)
            data.errors = {}
            return _render_form(request, session, data, status_code=403, message=message)
        if data.honeypot:
            # A robot: refuse quietly, store nothing, tell it nothing.
            logger.info("lead form honeypot filled; refused")
            return templates.TemplateResponse(
                request, "lead_sent.html", {"lead": None, "rechecking": False}
            )
        if validate(data):
            message = "Some details need a second look; your request has not been sent yet."
            return _render_form(request, session, data, status_code=422, message=message)
        key = client_key(request)
        if recent_lead_count(session, key, RATE_WINDOW) >= settings.lead_rate_limit_per_hour:
            message = (
                f"We have received {settings.lead_rate_limit_per_hour} requests from your "
                "connection within the hour, the most we accept. Please try again later; "
                "your details are kept below."
            )
            return _render_form(request, session, data, status_code=429, message=message)
        filters = filters_from_query(data.values["search_query"])
        offer_id = parse_id(data.values["offer_id"])  # validated: empty, or an id
        snapshot = _subject(session, data.values["offer_id"], filters)
        if snapshot is None:
            data.errors["offer_id"] = "This offer is no longer in our catalogue."
            message = "This offer has left our catalogue; go back to the hotel page."
            return _render_form(request, session, data, status_code=422, message=message)
        contact = data.contact()
        if offer_id is not None:
            score = score_lead(snapshot_facts(snapshot, contact.extras))
        else:
            score = score_lead(
                replace(search_facts(filters, current_rates(session)), extras=tuple(contact.extras))
            )
        recipients = notification_recipients(session, settings.lead_notify_to, settings.mail_from)
        # The visitor's request is committed before anything else is tried.
        lead = create_lead(
            session,
            contact=contact,
            source=LeadSource.HOTEL if offer_id is not None else LeadSource.SEARCH,
            snapshot=snapshot,
            score=score,
            recipients=recipients,
            site_url=settings.effective_site_url,
            offer_id=offer_id,
            search_query=data.values["search_query"] or None,
            client_key=key,
            language=current_locale(),
        )
        if offer_id is not None:
            # Asked by the re-check worker, not while the visitor waits
            # (tourscope/workers/rechecks.py).
            queue_recheck(session, lead)
        session.commit()
        lead_id = lead.id
    return RedirectResponse(confirmation_url(lead_id), status_code=303)


# --- The confirmation --------------------------------------------------------------------


CONFIRMATION_PURPOSE = b"tourscope lead confirmation"


def confirmation_url(lead_id: int) -> str:
    """The confirmation page's address: signed, so no one reads another visitor's request."""
    return f"/leads/{lead_id}/sent?key={sign(CONFIRMATION_PURPOSE, str(lead_id))}"


def recheck_in_visitor_currency(session: Session, lead: Lead) -> Decimal | None:
    """The operator's answer in the currency the visitor saw the offer in (the operator
    quotes its own), so that "the price you saw" and "now asks" compare like for like."""
    shown_in = (lead.snapshot or {}).get("currency")
    if lead.recheck_price is None or not lead.recheck_currency or not shown_in:
        return None
    rates = current_rates(session)
    return rates.convert(Decimal(lead.recheck_price), lead.recheck_currency, shown_in)


@router.get("/leads/{lead_id}/sent", response_class=HTMLResponse)
def lead_sent(request: Request, lead_id: RowId, key: str = "") -> HTMLResponse:
    if not signature_holds(CONFIRMATION_PURPOSE, str(lead_id), key):
        context = {"title": "Request not found", "reason": "This confirmation link is not valid."}
        return templates.TemplateResponse(request, "not_found.html", context, status_code=404)
    with open_session() as session:
        lead = session.get(Lead, lead_id)
        if lead is None:
            context = {"title": "Request not found", "reason": "There is no such request."}
            return templates.TemplateResponse(request, "not_found.html", context, status_code=404)
        pending = lead.recheck_status == RecheckStatus.PENDING
        context = {
            "lead": lead,
            "snapshot": lead.snapshot,
            "recheck_shown": recheck_in_visitor_currency(session, lead),
            "contact_times": CONTACT_TIMES,
            # Still asking the operator: the page looks again in a moment, for a while.
            "rechecking": pending and utcnow() - lead.created_at < RECHECK_PATIENCE,
            "poll_seconds": RECHECK_POLL_SECONDS,
        }
        return templates.TemplateResponse(request, "lead_sent.html", context)
