"""CSRF protection for every HTML form: a signed double-submit token.

The visitor gets a random value in an HttpOnly cookie (with the first page that carries a
form); forms carry a token that is an HMAC of that value with the secret key. A POST is
accepted only when the form's token matches the cookie's value: a third-party site can
make the browser send the cookie, but can neither read it nor forge the token. Works for
anonymous visitors (the lead form) and logged-in managers alike.

Use in a route: the template global `csrf_token(request)` puts the token in a form (it
reuses the cookie value set by the middleware); a POST handler takes its form as a
`CheckedForm` parameter, read once its token holds (else CsrfError: the 403 page, see
webapp/main.py). No handler checks a token itself. The visitors' own forms (a lead,
feedback, a price alert) answer a refused token with the form again, what was typed kept:
they take a `posted_form(...)` dependency, which carries the verdict for them to act on.
"""

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import Annotated

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData, MutableHeaders
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


def token_holds(request: Request, token: object) -> bool:
    """Whether `token` is the one signed for this visitor's cookie (a file upload in its
    place, or nothing, is not)."""
    value = request.cookies.get(COOKIE)
    return bool(
        value and isinstance(token, str) and token and signature_holds(CSRF_PURPOSE, value, token)
    )


def verify(request: Request, token: object) -> None:
    if not token_holds(request, token):
        raise CsrfError("the form has expired or did not come from this site; please try again")


# Starlette's own limits on a form, which a route may tighten.
DEFAULT_MAX_FILES = 1000
DEFAULT_MAX_FIELDS = 1000
DEFAULT_MAX_PART_SIZE = 1024 * 1024


@dataclass(frozen=True)
class PostedForm:
    """A POSTed form and whether its CSRF token holds."""

    fields: FormData
    token_holds: bool


async def read_posted(
    request: Request,
    *,
    max_files: int = DEFAULT_MAX_FILES,
    max_fields: int = DEFAULT_MAX_FIELDS,
    max_part_size: int = DEFAULT_MAX_PART_SIZE,
) -> PostedForm:
    """The request's form, read within the limits, with its token's verdict.

    Starlette keeps the form on the request once read, so a route whose `Form()` fields
    FastAPI has read already gets that same form here. Too many or too large fields are
    Starlette's 400, unless the caller catches it (the lead form answers 413 instead).
    """
    form = await request.form(
        max_files=max_files, max_fields=max_fields, max_part_size=max_part_size
    )
    return PostedForm(form, token_holds(request, form.get(FIELD)))


@cache  # the same limits, the same function: FastAPI runs each one once per request
def posted_form(
    *,
    max_files: int = DEFAULT_MAX_FILES,
    max_fields: int = DEFAULT_MAX_FIELDS,
    max_part_size: int = DEFAULT_MAX_PART_SIZE,
) -> Callable[[Request], Awaitable[PostedForm]]:
    """A dependency: the posted form within these limits and its token's verdict, for a
    visitor's form that answers a refused token with its own page (the form again)."""

    async def posted(request: Request) -> PostedForm:
        return await read_posted(
            request, max_files=max_files, max_fields=max_fields, max_part_size=max_part_size
        )

    return posted


async def checked_form(request: Request) -> FormData:
    """A dependency: the posted form, once its token holds; CsrfError (the 403 page)
    before the handler runs otherwise."""
    form = await request.form()
    verify(request, form.get(FIELD))
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]


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
