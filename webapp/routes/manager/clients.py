"""Client records: list with filters, profile with the whole history, create and edit,
a lead's client, and logging a call or other contact."""

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from models.accounts.auth import active_users
from models.accounts.users import Capability, User
from models.agency_time import agency_today
from models.care.calls import KIND_LABELS, OUTCOME_LABELS, CallError, log_contact
from models.care.client_editing import (
    PREFERENCE_LABELS,
    ClientError,
    client_for_lead,
    create_client,
    update_client,
)
from models.care.client_queries import (
    PREFERENCE_FILTERS,
    ClientFilters,
    children_ages,
    client_history,
    client_list,
    client_profile,
    preference_suggestions,
    preferences_by_kind,
)
from models.care.clients import BudgetBand, Client, ContactChannel
from models.leads.records import Lead
from tourscope.foundation.i18n import LOCALES, gettext, lazy_gettext
from tourscope.foundation.settings import get_settings
from webapp import csrf
from webapp.client_history import history_lines
from webapp.csrf import CheckedForm
from webapp.deps import CurrentUser, RowId, SessionDep, current_user, needs
from webapp.forms.client_form import client_fields, form_errors, read_client_form
from webapp.routes.manager.calls import calls_page_with_error
from webapp.routes.manager.common import (
    form_text,
    not_found,
    pager_links,
    parse_id,
    query_filters,
    render,
)

router = APIRouter(prefix="/manager", include_in_schema=False, dependencies=[Depends(current_user)])

# Shown after an action, in the reader's language (lazy: translated when shown).
DONE_MESSAGES = {
    "created": lazy_gettext("The client record is created."),
    "saved": lazy_gettext("The client's profile is saved."),
    "lead": lazy_gettext("This is the lead's client record; the lead now links to it."),
    "contact": lazy_gettext("The contact is logged."),
}
CONTACT_FIELDS = ("kind", "outcome", "note", "next_call_on", "handed_to")
# The blank child rows the form offers beside the children already known.
BLANK_CHILD_ROWS = 2


def _labels() -> dict:
    return {
        "preference_labels": PREFERENCE_LABELS,
        "budgets": [band.value for band in BudgetBand],
        "channels": [channel.value for channel in ContactChannel],
        "outcomes": OUTCOME_LABELS,
        "contact_kinds": KIND_LABELS,
        "languages": LOCALES,
    }


@router.get("/clients", response_class=HTMLResponse, dependencies=needs(Capability.CLIENTS))
def clients_page(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    """The clients list: text search and filters on any preference; bad filters say why."""
    filters, errors = query_filters(request, ClientFilters)
    page = client_list(session, filters, user)
    context = {
        "form": dict(request.query_params),
        "errors": errors,
        "page": page,
        "pager": pager_links(page, filters.query_params()),
        "managers": active_users(session),
        "preference_filters": PREFERENCE_FILTERS,
        **_labels(),
    }
    return render(request, "manager/clients.html", context, status_code=422 if errors else 200)


def _fields(form: FormData) -> dict[str, list[str]]:
    """The posted form as names with their text values (uploads ignored, text cut)."""
    fields: dict[str, list[str]] = {}
    for name in set(form):
        if name == csrf.FIELD:
            continue
        fields[name[:50]] = [value[:5000] for value in form.getlist(name) if isinstance(value, str)]
    return fields


def _form_page(
    request: Request,
    session: SessionDep,
    *,
    client: Client | None,
    fields: dict[str, list[str]],
    errors: dict[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    known = len(fields.get("child_birth", []))
    context = {
        "client": client,
        "fields": fields,
        "errors": errors or {},
        "error": error,
        "offered": preference_suggestions(session),
        "managers": active_users(session),
        "child_rows": min(12, known + BLANK_CHILD_ROWS),
        "action": f"/manager/clients/{client.id}/edit" if client else "/manager/clients/new",
        **_labels(),
    }
    return render(request, "manager/client_form.html", context, status_code=status_code)


async def _save(
    request: Request, session: SessionDep, client: Client | None, form: FormData
) -> Response:
    """Validate the posted profile and store it; on any refusal the form again with the
    reasons and everything typed (422), nothing stored."""
    fields = _fields(form)
    try:
        profile = read_client_form(fields, today=agency_today())
        if client is None:
            client = create_client(session, profile)
            done = "created"
        else:
            update_client(session, client, profile)
            done = "saved"
    except ValidationError as invalid:
        return _form_page(
            request,
            session,
            client=client,
            fields=fields,
            errors=form_errors(invalid),
            status_code=422,
        )
    except ClientError as refused:
        session.rollback()
        client = client_profile(session, client.id) if client is not None else None
        return _form_page(
            request, session, client=client, fields=fields, error=str(refused), status_code=422
        )
    session.commit()
    return RedirectResponse(f"/manager/clients/{client.id}?done={done}", status_code=303)


@router.get("/clients/new", response_class=HTMLResponse, dependencies=needs(Capability.CLIENTS))
def new_client_page(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    """An empty profile, the new client being the manager's own."""
    fields = {
        "adults": ["2"],
        "manager_id": [str(user.id)],
        "language": [get_settings().default_locale],
    }
    return _form_page(request, session, client=None, fields=fields)


@router.post("/clients/new", dependencies=needs(Capability.CLIENTS))
async def new_client(request: Request, session: SessionDep, form: CheckedForm) -> Response:
    return await _save(request, session, None, form)


@router.get(
    "/clients/{client_id}/edit", response_class=HTMLResponse, dependencies=needs(Capability.CLIENTS)
)
def edit_client_page(request: Request, client_id: RowId, session: SessionDep) -> HTMLResponse:
    client = client_profile(session, client_id)
    if client is None:
        return not_found(request, "client number", client_id)
    fields = client_fields(client, preference_suggestions(session))
    return _form_page(request, session, client=client, fields=fields)


@router.post("/clients/{client_id}/edit", dependencies=needs(Capability.CLIENTS))
async def edit_client(
    request: Request, client_id: RowId, session: SessionDep, form: CheckedForm
) -> Response:
    client = client_profile(session, client_id)
    if client is None:
        return not_found(request, "client number", client_id)
    return await _save(request, session, client, form)


def _client_page(
    request: Request,
    session: SessionDep,
    client: Client,
    *,
    error: str | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    today = agency_today()
    context = {
        "client": client,
        "today": today,
        "ages": children_ages(client, today),
        "preferences": preferences_by_kind(client),
        "history": history_lines(client_history(session, client)),
        "managers": active_users(session, who_may=Capability.LEADS),
        "error": error,
        "typed": typed or {},
        "done": DONE_MESSAGES.get(request.query_params.get("done", "")),
        **_labels(),
    }
    return render(request, "manager/client.html", context, status_code=status_code)


@router.get(
    "/clients/{client_id}", response_class=HTMLResponse, dependencies=needs(Capability.CLIENTS)
)
def client_page(request: Request, client_id: RowId, session: SessionDep) -> HTMLResponse:
    """One client: profile, party, preferences by kind, the whole history, log a contact."""
    client = client_profile(session, client_id)
    if client is None:
        return not_found(request, "client number", client_id)
    return _client_page(request, session, client)


def _next_call_on(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CallError(f"the next call date '{text}' is not a date (YYYY-MM-DD)") from None


def _hand_over_to(session: SessionDep, text: str) -> User | None:
    if not text:
        return None
    number = parse_id(text)
    handed_to = session.get(User, number) if number else None
    if handed_to is None:
        raise CallError("choose the sales manager from the list")
    return handed_to


@router.post("/clients/{client_id}/contacts", dependencies=needs(Capability.CALLS))
async def client_contact(
    request: Request, client_id: RowId, session: SessionDep, user: CurrentUser, form: CheckedForm
) -> Response:
    """Log a call or other contact with its outcome; back to the call list when it came
    from there, else to the client's page. A refusal shows the reason and the typed text."""
    client = client_profile(session, client_id)
    if client is None:
        return not_found(request, "client number", client_id)
    if not user.may(Capability.CLIENTS) and client.manager_id != user.id:
        # A cold caller sees no client records: they log calls only to their own list's.
        reason = gettext("Client number %(id)d is not on your call list.") % {"id": client.id}
        return calls_page_with_error(request, session, user, reason, status_code=403)
    from_calls = form_text(form, "back", 10) == "calls"
    typed = {name: form_text(form, name, 5000) for name in CONTACT_FIELDS}
    try:
        log_contact(
            session,
            client,
            user,
            kind=typed["kind"] or "call",
            outcome=typed["outcome"],
            note=typed["note"],
            next_call_on=_next_call_on(typed["next_call_on"]),
            handed_to=_hand_over_to(session, typed["handed_to"]),
        )
    except CallError as refused:
        session.rollback()
        if from_calls:
            # Back to the list it came from: a cold caller may not open the client's page.
            return calls_page_with_error(request, session, user, str(refused))
        client = client_profile(session, client.id)
        return _client_page(
            request, session, client, error=str(refused), typed=typed, status_code=422
        )
    session.commit()
    if from_calls:
        return RedirectResponse("/manager/calls?done=contact", status_code=303)
    return RedirectResponse(f"/manager/clients/{client.id}?done=contact", status_code=303)


@router.post("/leads/{lead_id}/client", dependencies=needs(Capability.LEADS))
async def lead_client(
    request: Request, lead_id: RowId, session: SessionDep, user: CurrentUser, _form: CheckedForm
) -> Response:
    """The lead's client record: the linked one, one with the lead's e-mail, or a new one."""
    lead = session.get(Lead, lead_id)
    if lead is None:
        context = {"title": "Lead not found", "reason": f"There is no lead number {lead_id}."}
        return render(request, "not_found.html", context, status_code=404)
    client = client_for_lead(session, lead, actor=user)
    session.commit()
    if not user.may(Capability.CLIENTS):
        # Sales make the record for the account managers; they stay with the lead.
        return RedirectResponse(f"/manager/leads/{lead.id}?done=client", status_code=303)
    return RedirectResponse(f"/manager/clients/{client.id}?done=lead", status_code=303)
