"""Log-in and log-out of the back office, and the answers to requests without a log-in."""

import math
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from models.accounts.auth import (
    LOCKOUT_PERIOD,
    LoginRefusal,
    LoginRefused,
    address_blocked_for,
    authenticate,
    end_session,
    record_address_failure,
    session_user,
    start_session,
)
from models.accounts.users import ROLE_LABELS, Capability, User, roles_that_may
from tourscope.foundation.i18n import gettext
from webapp import csrf
from webapp.client_address import client_key
from webapp.csrf import CheckedForm
from webapp.deps import SESSION_COOKIE, RoleRequired, SessionDep, SettingsDep
from webapp.routes.manager.common import form_text, render
from webapp.templating import templates

router = APIRouter(prefix="/manager", include_in_schema=False)

LOGIN_PATH = "/manager/login"
HOME_PATH = "/manager"
# Failed log-ins from one client address, over all the e-mails it tries.
CLIENT_FAILURE_LIMIT = 20
# Counted in the database (models/accounts/auth.py), so the limit holds across web workers.
CLIENT_FAILURE_WINDOW = timedelta(minutes=15)

_LOCK_MINUTES = int(LOCKOUT_PERIOD.total_seconds() // 60)
REFUSALS = {
    LoginRefusal.INVALID: "Wrong e-mail or password.",
    LoginRefusal.LOCKED: (
        f"Too many failed log-ins for this account: it is locked for {_LOCK_MINUTES} "
        "minutes. Try again later, or ask an admin."
    ),
    LoginRefusal.DISABLED: "This account is disabled; ask an admin.",
}


def safe_next(value: str | None) -> str:
    """Where to go after logging in: a back-office path only, never another site."""
    if (
        value
        and value.startswith(HOME_PATH)
        and not value.startswith(LOGIN_PATH)
        and "\\" not in value
        and not value.startswith("//")
    ):
        return value
    return HOME_PATH


def _client(request: Request) -> str:
    return client_key(request, "login")


def _login_form(
    request: Request, *, next_url: str, email: str = "", error: str | None = None, status: int = 200
) -> HTMLResponse:
    notice = "You are logged out." if request.query_params.get("logged_out") else None
    context = {"next_url": next_url, "email": email, "error": error, "notice": notice}
    return render(request, "manager/login.html", context, status_code=status)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, session: SessionDep) -> Response:
    next_url = safe_next(request.query_params.get("next"))
    token = request.cookies.get(SESSION_COOKIE)
    if token and session_user(session, token) is not None:
        session.commit()
        return RedirectResponse(next_url, status_code=303)
    return _login_form(request, next_url=next_url)


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request, session: SessionDep, settings: SettingsDep, form: CheckedForm
) -> Response:
    email = form_text(form, "email", 254).strip()
    password = form_text(form, "password", 1000)
    next_url = safe_next(form_text(form, "next", 2000))
    client = _client(request)
    wait = address_blocked_for(session, client, CLIENT_FAILURE_LIMIT, CLIENT_FAILURE_WINDOW)
    if wait:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        error = f"Too many failed log-ins from your address; try again in {minutes} min."
        return _login_form(request, next_url=next_url, email=email, error=error, status=429)
    try:
        user = authenticate(session, email, password)
    except LoginRefused as refusal:
        record_address_failure(session, client, CLIENT_FAILURE_WINDOW)
        session.commit()  # the account's failure count and lock, the address's failure
        error = REFUSALS[refusal.reason]
        return _login_form(request, next_url=next_url, email=email, error=error, status=401)
    # A new session id at every log-in: an id planted or seen before it opens nothing.
    old_token = request.cookies.get(SESSION_COOKIE)
    if old_token:
        end_session(session, old_token)
    new_session = start_session(session, user)
    session.commit()
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        new_session.token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path=HOME_PATH,
    )
    # A fresh CSRF value too, so a token obtained before the log-in is worth nothing after.
    response.set_cookie(
        csrf.COOKIE,
        secrets.token_urlsafe(32),
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    return response


@router.post("/logout")
async def logout(
    request: Request, session: SessionDep, settings: SettingsDep, _form: CheckedForm
) -> Response:
    """End the session on the server (its id opens nothing any more) and drop the cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(session, token)
        session.commit()
    response = RedirectResponse(f"{LOGIN_PATH}?logged_out=1", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE,
        path=HOME_PATH,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
    return response


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


async def login_required(request: Request, _error: Exception) -> Response:
    """No log-in: a browser goes to the log-in page (and back after it); others get 401."""
    if _wants_html(request):
        back = request.url.path
        if request.method == "GET" and request.url.query:
            back += "?" + request.url.query
        target = safe_next(back if request.method == "GET" else None)
        return RedirectResponse(f"{LOGIN_PATH}?{urlencode({'next': target})}", status_code=303)
    return JSONResponse(
        {"detail": "Log in to the back office first."},
        status_code=401,
        headers={"WWW-Authenticate": 'Cookie realm="Tourscope back office"'},
    )


def role_refusal(user: User | None, capability: Capability) -> str:
    """Why the page is refused, naming the user's role and the roles that may open it."""
    if capability is Capability.ADMIN:
        return gettext("This page is for admins only.")
    allowed = ", ".join(str(ROLE_LABELS[role]) for role in roles_that_may(capability))
    role = user.role_label if user else "?"
    return gettext("Your role (%(role)s) may not open this page; it is for: %(allowed)s.") % {
        "role": role,
        "allowed": allowed,
    }


async def role_required(request: Request, error: RoleRequired) -> Response:
    """A user whose role may not use the page: refused (403), with the reason."""
    reason = role_refusal(getattr(request.state, "user", None), error.capability)
    if _wants_html(request):
        return templates.TemplateResponse(
            request, "forbidden.html", {"reason": reason}, status_code=403
        )
    return JSONResponse({"detail": reason}, status_code=403)
