"""CSRF protection for every HTML form: a signed double-submit token.

The visitor gets a random value in an HttpOnly cookie; forms carry a token that is an
HMAC of that value with the secret key. A POST is accepted only when the form's token
matches the cookie's value: a third-party site can make the browser send the cookie,
but can neither read it nor forge the token. Works for anonymous visitors (the lead
form) and logged-in managers alike.

Use in a route: `token = csrf.issue(request, response)` (or via the template global
`csrf_token(request)`, which reuses the cookie value set by the middleware), and on
POST `csrf.verify(request, form["csrf_token"])`, which raises CsrfError.
"""

import hashlib
import hmac
import secrets

from fastapi import Request
from starlette.middleware.base import BaseHTTPMiddleware

from tourscope.settings import get_settings

COOKIE = "tourscope_csrf"
FIELD = "csrf_token"


class CsrfError(Exception):
    """The form's CSRF token is missing or does not match: the form is refused."""


def _sign(value: str) -> str:
    key = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def token_for(request: Request) -> str:
    """The token to put in a form served on this request."""
    return _sign(request.state.csrf_value)


def verify(request: Request, token: str | None) -> None:
    value = request.cookies.get(COOKIE)
    if not value or not token or not hmac.compare_digest(_sign(value), token):
        raise CsrfError("the form has expired or did not come from this site; please try again")


class CsrfCookieMiddleware(BaseHTTPMiddleware):
    """Makes sure every visitor has a CSRF cookie, so any page can render a form."""

    async def dispatch(self, request: Request, call_next):
        value = request.cookies.get(COOKIE)
        fresh = not value
        request.state.csrf_value = value or secrets.token_urlsafe(32)
        response = await call_next(request)
        if fresh:
            response.set_cookie(
                COOKIE,
                request.state.csrf_value,
                httponly=True,
                samesite="lax",
                secure=get_settings().secure_cookies,
                path="/",
            )
        return response
