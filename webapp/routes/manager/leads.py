"""The managers' dashboard, the leads list and one lead's page with its actions."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from models.accounts.auth import active_users
from models.accounts.users import Capability, User
from models.agency_time import agency_today
from models.care.calls import day_progress
from models.care.letter_queries import due_letters
from models.care.trip_workflow import trip_of_lead
from models.leads.queries import (
    LeadFilters,
    ScoreBand,
    band_thresholds,
    lead_list,
    lead_with_history,
    score_band,
    status_counts,
)
from models.leads.records import Lead, LeadStatus
from models.leads.scoring import scoring_rules
from models.leads.workflow import (
    OPEN_STATUSES,
    STATUS_LABELS,
    WorkflowError,
    add_note,
    assign,
    change_status,
    next_statuses,
)
from tourscope.foundation.i18n import gettext, lazy_gettext
from tourscope.foundation.settings import get_settings
from webapp.csrf import CheckedForm
from webapp.deps import CurrentUser, RowId, SessionDep, current_user, needs
from webapp.routes.manager.common import (
    form_text,
    not_found,
    pager_links,
    parse_id,
    query_filters,
    render,
)

router = APIRouter(prefix="/manager", include_in_schema=False, dependencies=[Depends(current_user)])

DASHBOARD_ROWS = 10
# Shown after an action, in the reader's language (lazy: translated when shown).
DONE_MESSAGES = {
    "status": lazy_gettext("The status is changed."),
    "assigned": lazy_gettext("The lead is assigned."),
    "note": lazy_gettext("The note is added."),
    "client": lazy_gettext("The lead's client record is made; account managers take it on."),
    "digest-on": lazy_gettext("The morning e-mail is on."),
    "digest-off": lazy_gettext("The morning e-mail is off."),
}


def _labels() -> dict:
    medium, high = band_thresholds()
    return {
        "statuses": STATUS_LABELS,
        "bands": {
            ScoreBand.HIGH: f"high ({high}+)",
            ScoreBand.MEDIUM: f"medium ({medium}–{high - 1})",
            ScoreBand.LOW: f"low (under {medium})",
        },
    }


@router.get("", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    """The parts of the day the user's role works on: the call list's progress, the
    letters due, and the leads (counts by status, mine, the new ones nobody has taken)."""
    context = {
        "done": DONE_MESSAGES.get(request.query_params.get("done", "")),
        "digest_hour": get_settings().morning_digest_hour,
        **_labels(),
    }
    if user.may(Capability.CALLS):
        context["progress"] = day_progress(session, user)
    if user.may(Capability.LETTERS):
        # The pre-trip letters of my trips due today or overdue, each with its draft.
        context["letters_due"] = due_letters(session, agency_today(), user)
    if user.may(Capability.LEADS):
        context.update(_dashboard_leads(session, user))
    return render(request, "manager/dashboard.html", context)


def _dashboard_leads(session: SessionDep, user: User) -> dict:
    mine = [
        row
        for row in lead_list(session, LeadFilters(manager="mine"), user, page_size=50).rows
        if row.status in OPEN_STATUSES
    ][:DASHBOARD_ROWS]
    waiting = lead_list(
        session,
        LeadFilters(status=LeadStatus.NEW, manager="unassigned"),
        user,
        page_size=DASHBOARD_ROWS,
    )
    return {"counts": status_counts(session), "mine": mine, "waiting": waiting}


@router.post("/morning-email")
async def morning_email(
    request: Request, session: SessionDep, user: CurrentUser, form: CheckedForm
) -> Response:
    """The signed-in manager turns their own morning e-mail on or off
    (models/care/morning_digest.py)."""
    wanted = form_text(form, "morning_digest", 5)
    if wanted not in ("on", "off"):
        return RedirectResponse("/manager", status_code=303)
    account = session.get(User, user.id)
    account.morning_digest = wanted == "on"
    session.commit()
    return RedirectResponse(f"/manager?done=digest-{wanted}", status_code=303)


@router.get("/leads", response_class=HTMLResponse, dependencies=needs(Capability.LEADS))
def leads_page(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    """The leads list: filters, high value first, then newest; bad filters say why (422)."""
    filters, errors = query_filters(request, LeadFilters)
    page = lead_list(session, filters, user)
    context = {
        "filters": filters,
        "form": dict(request.query_params),
        "errors": errors,
        "page": page,
        "pager": pager_links(page, filters.query_params()),
        "managers": active_users(session, who_may=Capability.LEADS),
        **_labels(),
    }
    return render(request, "manager/leads.html", context, status_code=422 if errors else 200)


def _lead_page(
    request: Request,
    session: SessionDep,
    lead: Lead,
    *,
    error: str | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    rules = scoring_rules()
    extras = [
        gettext(rules.extras[code].label) if code in rules.extras else code
        for code in lead.extras or []
    ]
    context = {
        "lead": lead,
        "snapshot": lead.snapshot or {},
        "band": score_band(lead.score),
        "extras": extras,
        "next_statuses": next_statuses(lead.status),
        "managers": active_users(session, who_may=Capability.LEADS),
        "error": error,
        "typed": typed or {},
        "done": DONE_MESSAGES.get(request.query_params.get("done", "")),
        "trip": trip_of_lead(session, lead.id),
        **_labels(),
    }
    return render(request, "manager/lead.html", context, status_code=status_code)


@router.get("/leads/{lead_id}", response_class=HTMLResponse, dependencies=needs(Capability.LEADS))
def lead_page(request: Request, lead_id: RowId, session: SessionDep) -> HTMLResponse:
    """One lead: what the visitor saw and asked for, its score, its history, the actions."""
    lead = lead_with_history(session, lead_id)
    if lead is None:
        return not_found(request, "lead number", lead_id)
    return _lead_page(request, session, lead)


async def _lead_action(
    request: Request, session: SessionDep, lead_id: int, user: User, form: FormData, action
) -> Response:
    """Run one change on the lead; back to its page, or the page with the reason and the
    manager's typed text (422) when the change is refused."""
    lead = lead_with_history(session, lead_id)
    if lead is None:
        return not_found(request, "lead number", lead_id)
    try:
        done = action(lead, user, form)
    except WorkflowError as error:
        session.rollback()
        lead = lead_with_history(session, lead.id)
        typed = {name: form_text(form, name, 5000) for name in ("note", "reason", "to_status")}
        return _lead_page(request, session, lead, error=str(error), typed=typed, status_code=422)
    session.commit()
    return RedirectResponse(f"/manager/leads/{lead.id}?done={done}", status_code=303)


@router.post("/leads/{lead_id}/status", dependencies=needs(Capability.LEADS))
async def lead_status(
    request: Request, lead_id: RowId, session: SessionDep, user: CurrentUser, form: CheckedForm
) -> Response:
    def action(lead: Lead, user: User, form) -> str:
        to_status = form_text(form, "to_status", 20)
        change_status(session, lead, to_status, user, reason=form_text(form, "reason", 1000))
        return "status"

    return await _lead_action(request, session, lead_id, user, form, action)


@router.post("/leads/{lead_id}/assign", dependencies=needs(Capability.LEADS))
async def lead_assign(
    request: Request, lead_id: RowId, session: SessionDep, user: CurrentUser, form: CheckedForm
) -> Response:
    def action(lead: Lead, user: User, form) -> str:
        choice = form_text(form, "assignee", 20)
        assignee = None
        if choice == "me":
            assignee = user
        elif choice:
            number = parse_id(choice)
            assignee = session.get(User, number) if number else None
            if assignee is None:
                raise WorkflowError("choose a manager from the list")
        assign(session, lead, assignee, user)
        return "assigned"

    return await _lead_action(request, session, lead_id, user, form, action)


@router.post("/leads/{lead_id}/notes", dependencies=needs(Capability.LEADS))
async def lead_note(
    request: Request, lead_id: RowId, session: SessionDep, user: CurrentUser, form: CheckedForm
) -> Response:
    def action(lead: Lead, user: User, form) -> str:
        add_note(session, lead, user, form_text(form, "note", 10_000))
        return "note"

    return await _lead_action(request, session, lead_id, user, form, action)
