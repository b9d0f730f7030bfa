"""Trips: created from a won lead, their dates and their pre-trip letter schedule."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from models.accounts.users import Capability, User
from models.agency_time import agency_today
from models.base import utcnow
from models.care.clients import Client
from models.care.letter_schedule import letter_label
from models.care.trip_workflow import (
    MAX_CANCEL_REASON_LENGTH,
    TripError,
    cancel_trip,
    change_dates,
    create_trip,
    create_trip_from_lead,
    find_trip,
    trip_of_lead,
)
from models.care.trips import Trip, TripStatus
from models.leads.extras import EXTRAS, extra_label
from models.leads.records import Lead, LeadStatus
from tourscope.foundation.i18n import lazy_gettext
from tourscope.foundation.settings import get_settings
from webapp.csrf import CheckedForm
from webapp.deps import CurrentUser, RowId, SessionDep, needs
from webapp.forms.trip_form import (
    FORM_FIELDS,
    TripForm,
    details_from_form,
    form_from_lead,
    parse_form_date,
)
from webapp.routes.manager.common import form_text, not_found, render

# Every route here books or changes a trip, including those reached from a lead or client.
router = APIRouter(prefix="/manager", include_in_schema=False, dependencies=needs(Capability.TRIPS))

# Shown after an action, in the reader's language (lazy: translated when shown).
DONE_MESSAGES = {
    "created": lazy_gettext("The trip is booked and its letters are planned."),
    "dates": lazy_gettext(
        "The dates are changed; the unsent letters follow the new departure date."
    ),
    "cancelled": lazy_gettext("The trip is cancelled, and the letters not sent with it."),
}
LETTER_STATUS_LABELS = {
    "planned": lazy_gettext("planned"),
    "sent": lazy_gettext("sent"),
    "skipped": lazy_gettext("skipped (booked after its date)"),
    "cancelled": lazy_gettext("cancelled"),
}
CONFIRM_CANCEL = "tick the box to confirm the cancellation"


def _typed(form: FormData) -> TripForm:
    """The trip form as the manager typed it."""
    values = {name: form_text(form, name, 300) for name in FORM_FIELDS}
    extras = tuple(code[:30] for code in form.getlist("extras") if isinstance(code, str))
    return TripForm(values, extras)


def _trip_form(
    request: Request,
    *,
    action: str,
    heading: str,
    back_url: str,
    back_label: str,
    form: TripForm | None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The trip form; `form` None shows only the reason (the trip cannot be booked)."""
    context = {
        "action": action,
        "heading": heading,
        "back_url": back_url,
        "back_label": back_label,
        "form": form,
        "extras": {code: extra_label(code) for code in EXTRAS},
        "error": error,
    }
    return render(request, "manager/trip_form.html", context, status_code=status_code)


def _lead_form(
    request: Request, lead: Lead, form: TripForm | None, error: str | None, status_code: int
) -> HTMLResponse:
    return _trip_form(
        request,
        action=f"/manager/leads/{lead.id}/trip",
        heading=f"Book the trip of lead #{lead.id}: {lead.name}",
        back_url=f"/manager/leads/{lead.id}",
        back_label=f"Lead #{lead.id}: {lead.name}",
        form=form,
        error=error,
        status_code=status_code,
    )


@router.get("/leads/{lead_id}/trip", response_class=HTMLResponse)
def lead_trip_form(request: Request, lead_id: RowId, session: SessionDep) -> Response:
    """The booking form, prefilled from the offer the visitor saw; the lead's trip when it
    already has one."""
    lead = session.get(Lead, lead_id)
    if lead is None:
        return not_found(request, "lead", lead_id)
    trip = trip_of_lead(session, lead.id)
    if trip is not None:
        return RedirectResponse(f"/manager/trips/{trip.id}", status_code=303)
    if lead.status != LeadStatus.WON:
        reason = "A trip is booked from a won lead; mark the lead won first."
        return _lead_form(request, lead, None, reason, 409)
    return _lead_form(request, lead, form_from_lead(lead), None, 200)


@router.post("/leads/{lead_id}/trip")
async def lead_trip_create(
    request: Request, lead_id: RowId, session: SessionDep, user: CurrentUser, form: CheckedForm
) -> Response:
    lead = session.get(Lead, lead_id)
    if lead is None:
        return not_found(request, "lead", lead_id)
    typed = _typed(form)
    try:
        trip = create_trip_from_lead(session, lead, user, details_from_form(typed), utcnow())
    except TripError as error:
        session.rollback()
        return _lead_form(request, lead, typed, str(error), 422)
    session.commit()
    return RedirectResponse(f"/manager/trips/{trip.id}?done=created", status_code=303)


def _client_form(
    request: Request, client: Client, form: TripForm, error: str | None, status_code: int
) -> HTMLResponse:
    return _trip_form(
        request,
        action=f"/manager/clients/{client.id}/trip",
        heading=f"Book a trip for {client.name}",
        back_url=f"/manager/clients/{client.id}",
        back_label=client.name,
        form=form,
        error=error,
        status_code=status_code,
    )


@router.get("/clients/{client_id}/trip", response_class=HTMLResponse)
def client_trip_form(request: Request, client_id: RowId, session: SessionDep) -> Response:
    """The booking form for a client without a lead (a repeat client calling in)."""
    client = session.get(Client, client_id)
    if client is None:
        return not_found(request, "client", client_id)
    blank = TripForm(
        {"adults": str(client.adults), "children": "0", "currency": get_settings().base_currency}
    )
    return _client_form(request, client, blank, None, 200)


@router.post("/clients/{client_id}/trip")
async def client_trip_create(
    request: Request, client_id: RowId, session: SessionDep, user: CurrentUser, form: CheckedForm
) -> Response:
    client = session.get(Client, client_id)
    if client is None:
        return not_found(request, "client", client_id)
    typed = _typed(form)
    try:
        trip = create_trip(session, client, user, details_from_form(typed), utcnow())
    except TripError as error:
        session.rollback()
        return _client_form(request, client, typed, str(error), 422)
    session.commit()
    return RedirectResponse(f"/manager/trips/{trip.id}?done=created", status_code=303)


def _trip_page(
    request: Request,
    session: SessionDep,
    trip: Trip,
    *,
    error: str | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "trip": trip,
        "letters": [(letter, letter_label(letter.template_key)) for letter in trip.letters],
        "letter_statuses": LETTER_STATUS_LABELS,
        "extras": [extra_label(code) for code in trip.extras or []],
        "today": agency_today(),
        "max_reason": MAX_CANCEL_REASON_LENGTH,
        "error": error,
        "typed": typed or {},
        "done": DONE_MESSAGES.get(request.query_params.get("done", "")),
    }
    return render(request, "manager/trip.html", context, status_code=status_code)


@router.get("/trips/{trip_id}", response_class=HTMLResponse)
def trip_page(request: Request, trip_id: RowId, session: SessionDep) -> HTMLResponse:
    """One trip: the tour, the client, its letters with their dates, and the actions."""
    trip = find_trip(session, trip_id)
    if trip is None:
        return not_found(request, "trip", trip_id)
    return _trip_page(request, session, trip)


async def _trip_action(
    request: Request, session: SessionDep, trip_id: int, user: User, form: FormData, action
) -> Response:
    """Run one change on the trip; back to its page, or the page with the reason and what
    was typed (422) when it is refused."""
    trip = find_trip(session, trip_id)
    if trip is None:
        return not_found(request, "trip", trip_id)
    try:
        done = action(trip, user, form)
    except TripError as error:
        session.rollback()
        typed = {name: form_text(form, name, 20) for name in ("departure_date", "return_date")}
        typed["reason"] = form_text(form, "reason", 2 * MAX_CANCEL_REASON_LENGTH)
        typed["confirm"] = form_text(form, "confirm", 3)
        trip = find_trip(session, trip.id)
        return _trip_page(request, session, trip, error=str(error), typed=typed, status_code=422)
    session.commit()
    return RedirectResponse(f"/manager/trips/{trip.id}?done={done}", status_code=303)


@router.post("/trips/{trip_id}/dates")
async def trip_dates(
    request: Request, trip_id: RowId, session: SessionDep, user: CurrentUser, form: CheckedForm
) -> Response:
    def action(trip: Trip, user: User, form: FormData) -> str:
        departure = parse_form_date(form_text(form, "departure_date", 20), "departure date")
        back = parse_form_date(form_text(form, "return_date", 20), "return date")
        change_dates(session, trip, departure, back, user, utcnow())
        return "dates"

    return await _trip_action(request, session, trip_id, user, form, action)


@router.post("/trips/{trip_id}/cancel")
async def trip_cancel(
    request: Request, trip_id: RowId, session: SessionDep, user: CurrentUser, form: CheckedForm
) -> Response:
    """Cancel the trip once the manager ticked the confirmation (a stray click on the
    button alone changes nothing); the optional reason goes to the lead's history."""

    def action(trip: Trip, user: User, form: FormData) -> str:
        if trip.status == TripStatus.BOOKED and form.get("confirm") != "yes":
            raise TripError(CONFIRM_CANCEL)
        reason = form_text(form, "reason", 2 * MAX_CANCEL_REASON_LENGTH)
        cancel_trip(session, trip, user, utcnow(), reason=reason)
        return "cancelled"

    return await _trip_action(request, session, trip_id, user, form, action)
