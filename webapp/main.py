"""Builds the FastAPI application: `uvicorn --factory webapp.main:create_app`."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError

from webapp.csrf import CsrfCookieMiddleware, CsrfError
from webapp.deps import AdminRequired, DatabaseUnavailable, LoginRequired
from webapp.routes import api, deals, feedback, hotels, leads, manager, public, reference
from webapp.routes.manager.auth import admin_required, login_required
from webapp.templating import STATIC_DIR, templates

logger = logging.getLogger(__name__)


async def database_unavailable(request: Request, error: Exception) -> Response:
    """A lost database is a 503 the visitor can read, not a 500 with a traceback."""
    logger.error("database unavailable on %s: %s", request.url.path, error)
    if request.url.path.startswith("/api/"):
        detail = "The database is unavailable; please retry shortly."
        return JSONResponse({"detail": detail}, status_code=503)
    return templates.TemplateResponse(request, "unavailable.html", status_code=503)


async def csrf_refused(request: Request, error: Exception) -> Response:
    """A form without a valid CSRF token is refused with the reason, never processed."""
    return templates.TemplateResponse(
        request, "forbidden.html", {"reason": str(error)}, status_code=403
    )


def create_app() -> FastAPI:
    app = FastAPI(title="Tourscope", docs_url="/docs")
    app.add_middleware(CsrfCookieMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(public.router)
    app.include_router(api.router)
    app.include_router(hotels.router)
    app.include_router(deals.router)
    app.include_router(reference.router)
    app.include_router(leads.router)
    app.include_router(feedback.router)
    for router in manager.routers:
        app.include_router(router)
    app.add_exception_handler(OperationalError, database_unavailable)
    app.add_exception_handler(DatabaseUnavailable, database_unavailable)
    app.add_exception_handler(CsrfError, csrf_refused)
    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(AdminRequired, admin_required)
    return app
