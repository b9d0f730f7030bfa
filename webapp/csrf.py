"""CSRF protection for every HTML form: a signed double-submit token.

The visitor gets a random value in an HttpOnly cookie (with the first page that carries a
form); forms carry a token that is an HMAC of that value with the secret key. A POST is
accepted only when the form's token matches the cookie's value: a third-party site can
make the browser send the cookie, but can neither read it nor forge the token. Works for
anonymous visitors (the lead form) and logged-in managers alike.

Use in a route: `token = csrf.issue(request, response)` (or via the template global
`csrf_token(request)`, which reuses the cookie value set by the middleware), and on
POST `csrf.verify(request, form["csrf_token"])`, which raises CsrfError.
"""

import secrets

from fastapi import Request, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tourscope.foundation.settings import get_settings
from tourscope.foundation.signing import sign, signature_holds

COOKIE = "tourscope_csrf"
FIELD = "csrf_token"


class CsrfError(Exception):
    """The form's CSRF token is missing or does not match: the form is refused."""


CSRF_PURPOSE = b"tourscope csrf token"


def token_for(request: Request) -> str:
    """The token to put in a form served on this request (whose answer then sets the
    cookie, if new, and is never cached: the token is this visitor's)."""
    request.state.csrf_issued = True
    return sign(CSRF_PURPOSE, request.state.csrf_value)


def verify(request: Request, token: str | None) -> None:
    value = request.cookies.get(COOKIE)
    if not value or not token or not signature_holds(CSRF_PURPOSE, value, token):
        raise CsrfError("the form has expired or did not come from this site; please try again")


class CsrfCookieMiddleware:
    """Gives every visitor a CSRF value, so any page can render a form; the cookie is set
    by the first answer that carries a form, and such an answer is `no-store`.

    Pages without a form set no cookie, so they can be public and cached
    (webapp/http_cache.py) without handing one visitor's cookie to the next. A plain ASGI
    middleware: it only reads the request's cookies and edits the answer's headers.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        value = request.cookies.get(COOKIE)
        request.state.csrf_value = value or secrets.token_urlsafe(32)
        request.state.csrf_issued = False

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and request.state.csrf_issued:
                headers = MutableHeaders(scope=message)
                headers["Cache-Control"] = "no-store"
                del headers["ETag"]
                if not value:
                    cookie = Response()
                    cookie.set_cookie(
                        COOKIE,
                        request.state.csrf_value,
                        httponly=True,
                        samesite="lax",
                        secure=get_settings().secure_cookies,
                        path="/",
                    )
                    headers.append("set-cookie", cookie.headers["set-cookie"])
            await send(message)

        await self.app(scope, receive, send_with_cookie)
