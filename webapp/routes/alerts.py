"""Price alerts, the visitor's side: the form, the confirmation and unsubscribe links.

`GET /alerts/new?<search>[&hotel_id=N]` shows the form (the results and hotel pages link
to it, so they stay cacheable: a form carries the visitor's CSRF token); `POST
/alerts/new` stores the alert and queues the confirmation mail
(models/alerts/workflow.py). The links in the mails are signed; a bad one is a 404
page, never an error.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from models.alerts.workflow import (
    AlertLimitReached,
    AlertLinkInvalid,
    AlertSearchPast,
    confirm,
    subscribe,
    unsubscribe,
)
from models.catalog.hotels import Hotel
from models.catalog.search_filters import dates_have_passed, filters_from_query
from models.contact import MAX_EMAIL, is_email
from tourscope.foundation.i18n import current_locale
from tourscope.foundation.i18n import gettext as _
from webapp import csrf
from webapp.deps import SessionDep, parse_id
from webapp.routes.public import link_params
from webapp.templating import templates

router = APIRouter(include_in_schema=False)


def _render_form(
    request: Request,
    session: Session,
    search_query: str,
    hotel_text: str,
    *,
    email: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    filters = filters_from_query(search_query)
    hotel_id = parse_id(hotel_text)
    hotel = session.get(Hotel, hotel_id) if hotel_id else None
    hotel_name = hotel.name if hotel else None
    query = urlencode([(n, v) for n, v in link_params(filters) if n not in {"page", "sort"}])
    if dates_have_passed(search_query):
        # Said at once, and the search kept as it was: read back as the default search,
        # the alert would watch dates the visitor never asked for.
        query = search_query
        errors = {
            "form": _("The dates of this search have passed; choose new dates and try again."),
            **(errors or {}),
        }
        status_code = 422
    back = f"/hotels/{hotel_id}" if hotel_name else "/"
    context = {
        "search_query": query,
        "hotel_id": hotel_id if hotel_name else None,
        "hotel_name": hotel_name,
        "email": email,
        "errors": errors or {},
        "back_url": back + (f"?{query}" if query else ""),
    }
    return templates.TemplateResponse(request, "alert_form.html", context, status_code=status_code)


@router.get("/alerts/new", response_class=HTMLResponse)
def alert_form(request: Request, session: SessionDep) -> HTMLResponse:
    """The form, for the search in the query string (and the hotel in `hotel_id`)."""
    params = request.query_params
    search = urlencode([(k, v) for k, v in params.multi_items() if k != "hotel_id" and v])
    return _render_form(request, session, search[:2000], params.get("hotel_id", ""))


@router.post("/alerts/new", response_class=HTMLResponse)
def submit_alert(
    request: Request,
    session: SessionDep,
    # The fields' form (read by FastAPI), with its token's verdict.
    posted: Annotated[csrf.PostedForm, Depends(csrf.posted_form())],
    email: Annotated[str, Form()] = "",
    search_query: Annotated[str, Form()] = "",
    hotel_id: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Store the alert and send the confirmation mail; errors show on the form (too
    long a field too: the page says so, never a bare 422)."""
    email = email.strip()[: MAX_EMAIL + 1]
    search_query, hotel_id = search_query[:2000], hotel_id[:12]

    def refuse(errors: dict[str, str], status_code: int) -> HTMLResponse:
        return _render_form(
            request,
            session,
            search_query,
            hotel_id,
            email=email,
            errors=errors,
            status_code=status_code,
        )

    if not posted.token_holds:
        form = _("For your safety this form has expired; please send it again.")
        return refuse({"form": form}, 403)
    if not is_email(email):
        return refuse({"email": _("Enter an e-mail address such as name@example.com.")}, 422)
    filters = filters_from_query(search_query)
    hotel = parse_id(hotel_id)
    if hotel is not None and session.get(Hotel, hotel) is None:
        hotel = None
    try:
        if dates_have_passed(search_query):
            raise AlertSearchPast
        subscribe(session, email, filters, hotel_id=hotel, language=current_locale())
    except AlertSearchPast:
        past = _("The dates of this search have passed; choose new dates and try again.")
        return refuse({"form": past}, 422)
    except AlertLimitReached:
        limit = _("This address has made as many alerts as it may today; please try tomorrow.")
        return refuse({"email": limit}, 429)
    session.commit()
    context = {
        "title": _("Check your mail"),
        "message": _(
            "We sent a link to %(email)s: open it to start the alert. Nothing is sent until you do."
        )
        % {"email": email},
    }
    return templates.TemplateResponse(request, "alert_message.html", context)


@router.get("/alerts/confirm/{token}", response_class=HTMLResponse)
def confirm_alert(request: Request, token: str, session: SessionDep) -> HTMLResponse:
    try:
        alert = confirm(session, token)
    except AlertLinkInvalid:
        return _bad_link(request)
    session.commit()
    if alert.unsubscribed_at is not None:
        message = _("This alert was stopped; make a new one from the search.")
    else:
        message = _("We will write to %(email)s when offers of this search get cheaper.") % {
            "email": alert.email
        }
    context = {"title": _("Your price alert is on"), "message": message}
    return templates.TemplateResponse(request, "alert_message.html", context)


@router.get("/alerts/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_alert(request: Request, token: str, session: SessionDep) -> HTMLResponse:
    try:
        unsubscribe(session, token)
    except AlertLinkInvalid:
        return _bad_link(request)
    session.commit()
    context = {
        "title": _("You are unsubscribed"),
        "message": _("This price alert is stopped: we will send you nothing more about it."),
    }
    return templates.TemplateResponse(request, "alert_message.html", context)


def _bad_link(request: Request) -> HTMLResponse:
    context = {
        "title": _("This link does not work"),
        "reason": _("The link is incomplete or was changed. Copy the whole link from the mail."),
    }
    return templates.TemplateResponse(request, "not_found.html", context, status_code=404)
