"""Error answers: a page in the site's layout for a browser, JSON for the API.

`/api/` paths (and the schema) always answer JSON, as does a client that asks for JSON and
not for HTML; a browser gets the 404 page for an unknown address or a malformed path id
(`/hotels/abc`), and the 500 page for an unhandled error, whose traceback goes to the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tourscope.foundation.i18n import gettext as _
from webapp.deps import MAX_ID
from webapp.error_text import api_validation_error
from webapp.templating import templates

logger = logging.getLogger(__name__)

NO_STORE = {"Cache-Control": "no-store"}

# A page's own 404 for a malformed id, by route path ("There is no hotel number abc..."),
# given the id as typed; other routes get the generic one.
NOT_FOUND_PAGES: dict[str, Callable[[Request, str], Response]] = {}


def wants_json(request: Request) -> bool:
    """The API's paths, and a client that accepts JSON but not HTML."""
    path = request.url.path
    if path.startswith("/api/") or path == "/openapi.json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def not_found_page(request: Request, reason: str) -> HTMLResponse:
    context = {"title": _("Page not found"), "reason": reason}
    return templates.TemplateResponse(
        request, "not_found.html", context, status_code=404, headers=NO_STORE
    )


async def http_error(request: Request, error: Exception) -> Response:
    """An unknown address is the 404 page for a browser; other statuses and JSON clients
    get FastAPI's JSON answer."""
    assert isinstance(error, HTTPException)
    if error.status_code != 404 or wants_json(request):
        return await http_exception_handler(request, error)
    default = error.detail in (None, "", "Not Found")
    reason = _("There is no page at this address.") if default else str(error.detail)
    return not_found_page(request, reason)


async def invalid_request(request: Request, error: Exception) -> Response:
    """A path id that is not a row id (`/hotels/abc`, 5,000 digits, 0) names nothing: the
    404 page with the reason for a browser; the API keeps its 422 with the details, in
    the reader's language (webapp/error_text.py)."""
    assert isinstance(error, RequestValidationError)
    path_errors = [item for item in error.errors() if tuple(item["loc"][:1]) == ("path",)]
    if wants_json(request) or not path_errors:
        return await api_validation_error(request, error)
    route_path = getattr(request.scope.get("route"), "path", None)
    if route_path in NOT_FOUND_PAGES:
        name = str(path_errors[0]["loc"][1])
        return NOT_FOUND_PAGES[route_path](request, str(request.path_params.get(name, ""))[:40])
    reason = _(
        "There is nothing at this address: its number must be a whole number from 1 to %(max)s."
    ) % {"max": MAX_ID}
    return not_found_page(request, reason)


def server_error_answer(request: Request) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": "Internal Server Error"}, status_code=500, headers=NO_STORE)
    try:
        return templates.TemplateResponse(
            request, "server_error.html", {}, status_code=500, headers=NO_STORE
        )
    except Exception:  # the page itself failed (a broken template): plain words, still a 500
        logger.exception("the 500 page could not be rendered")
        return PlainTextResponse(
            _("Something went wrong on our side. Please try again later."),
            status_code=500,
            headers=NO_STORE,
        )


class ServerErrorPage:
    """An unhandled error: its traceback in the log, and a 500 the visitor can read.

    It sits inside the locale middleware (the page is in the visitor's language) and the
    security headers; an error after the answer has started can only be re-raised.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception:
            logger.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if started:
                raise
            response = server_error_answer(Request(scope))
            await response(scope, receive, send)
