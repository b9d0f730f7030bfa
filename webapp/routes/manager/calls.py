"""The contact centre's call list: each manager's daily plan, progress and call outcomes."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from models.accounts.auth import active_users
from models.accounts.users import Capability, User
from models.care.calls import (
    KIND_LABELS,
    OUTCOME_LABELS,
    PLAN_RANGE,
    CallError,
    call_list,
    day_progress,
    set_daily_plan,
)
from tourscope.foundation.i18n import lazy_gettext
from tourscope.foundation.settings import get_settings
from webapp.csrf import CheckedForm
from webapp.deps import AdminUser, CurrentUser, RoleRequired, SessionDep, current_user, needs
from webapp.routes.manager.common import form_text, parse_id, render

router = APIRouter(prefix="/manager", include_in_schema=False, dependencies=[Depends(current_user)])

# Shown after an action, in the reader's language (lazy: translated when shown).
DONE_MESSAGES = {
    "contact": lazy_gettext("The call is logged."),
    "plan": lazy_gettext("The daily plan is saved."),
}


def _calls_page(
    request: Request,
    session: SessionDep,
    user: User,
    manager: User,
    *,
    error: str | None = None,
    typed_plan: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    managers = active_users(session, who_may=Capability.CALLS)
    context = {
        "manager": manager,
        "calls": call_list(session, manager),
        "progress": day_progress(session, manager),
        "own_plan": manager.daily_call_plan,
        "default_plan": get_settings().call_plan_per_day,
        "plan_range": PLAN_RANGE,
        "managers": managers,
        # A warm client becomes a lead: only for someone who works leads.
        "hand_over_to": [
            other
            for other in active_users(session, who_may=Capability.LEADS)
            if other.id != user.id
        ],
        "outcomes": OUTCOME_LABELS,
        "contact_kinds": KIND_LABELS,
        "error": error,
        "typed_plan": typed_plan,
        "done": DONE_MESSAGES.get(request.query_params.get("done", "")),
    }
    return render(request, "manager/calls.html", context, status_code=status_code)


def calls_page_with_error(
    request: Request, session: SessionDep, user: User, error: str, status_code: int = 422
) -> HTMLResponse:
    """The user's own call list saying why a call from it was not logged."""
    return _calls_page(request, session, user, user, error=error, status_code=status_code)


@router.get("/calls", response_class=HTMLResponse, dependencies=needs(Capability.CALLS))
def calls_page(request: Request, session: SessionDep, user: CurrentUser) -> HTMLResponse:
    """My call list for today with the day's progress; an admin may open anyone's
    (?manager=ID), anyone else only their own (403)."""
    choice = request.query_params.get("manager", "")
    if not choice or choice == str(user.id):
        return _calls_page(request, session, user, user)
    # Whose list depends on the query, so this one check cannot be a route's dependency.
    if not user.may(Capability.ADMIN):
        raise RoleRequired(Capability.ADMIN)
    number = parse_id(choice)
    manager = session.get(User, number) if number else None
    if manager is None:
        error = f"There is no manager number {choice[:20]}; this is your own list."
        return _calls_page(request, session, user, user, error=error, status_code=422)
    return _calls_page(request, session, user, manager)


@router.post("/calls/plan", dependencies=needs(Capability.ADMIN))
async def calls_plan(
    request: Request, session: SessionDep, admin: AdminUser, form: CheckedForm
) -> Response:
    """An admin sets a manager's daily plan (empty: back to the agency's default)."""
    number = parse_id(form_text(form, "manager_id", 20))
    manager = session.get(User, number) if number else None
    if manager is None:
        return _calls_page(
            request, session, admin, admin, error="choose a manager", status_code=422
        )
    text = form_text(form, "plan", 20).strip()
    try:
        if text and not (text.isascii() and text.isdigit()):
            raise CallError(f"the daily plan '{text}' is not a whole number of calls")
        set_daily_plan(session, manager, int(text) if text else None)
    except CallError as refused:
        session.rollback()
        return _calls_page(
            request,
            session,
            admin,
            manager,
            error=str(refused),
            typed_plan=text,
            status_code=422,
        )
    session.commit()
    return RedirectResponse(f"/manager/calls?manager={manager.id}&done=plan", status_code=303)
