"""Builds the FastAPI application: `uvicorn --factory webapp.main:create_app`."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from tourscope.foundation.logging_setup import configure_logging
from tourscope.foundation.settings import get_settings
from webapp import metrics as metrics_routes
from webapp.admission import DatabaseAdmission, ServerBusy
from webapp.catalogue_cache import CatalogueCache
from webapp.csrf import CsrfCookieMiddleware, CsrfError
from webapp.deps import DatabaseUnavailable, LoginRequired, RoleRequired
from webapp.errors import ServerErrorPage, http_error, invalid_request
from webapp.http_cache import (
    AnswerCache,
    AnsweredFromMemory,
    KeepPublicAnswers,
    NoStoreByDefault,
    NotModified,
    answer_from_memory,
    not_modified,
)
from webapp.locale import LocaleMiddleware
from webapp.metrics import Metrics, RequestMetrics
from webapp.openapi import install_openapi
from webapp.query_guard import RepeatedParameterGuard
from webapp.request_id import RequestIdMiddleware
from webapp.routes import (
    alerts,
    api,
    deals,
    docs,
    feedback,
    hotels,
    leads,
    manager,
    public,
    reference,
)
from webapp.routes.manager.auth import login_required, role_required
from webapp.security_headers import SecurityHeaders
from webapp.templating import STATIC_DIR, templates

logger = logging.getLogger(__name__)

# What a 503 asks a client to wait before it tries again.
RETRY_AFTER_SECONDS = 5
# Answers from this size on are gzipped for clients that accept it (a results page of
# 30 kB goes out as about 5 kB); smaller ones would gain less than the work costs. Level 6
# (zlib's default) packs a page nearly as tight as 9 at a fraction of the work.
GZIP_MINIMUM_BYTES = 1000
GZIP_LEVEL = 6


def unavailable(request: Request, detail: str, *, busy: bool) -> Response:
    """A 503 with Retry-After: the reason in JSON for the API, a readable page otherwise."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": detail}, status_code=503, headers=headers)
    return templates.TemplateResponse(
        request, "unavailable.html", {"busy": busy}, status_code=503, headers=headers
    )


async def database_unavailable(request: Request, error: Exception) -> Response:
    """A lost database is a 503 the visitor can read, not a 500 with a traceback."""
    logger.error("database unavailable on %s: %s", request.url.path, error)
    return unavailable(request, "The database is unavailable; please retry shortly.", busy=False)


async def server_busy(request: Request, error: Exception) -> Response:
    """A worker at its database capacity (no slot, or no pooled connection, within a short
    wait) says so at once: a quick 503, never a 500 or a request hanging on."""
    logger.info("busy, shed %s: %s", request.url.path, error)
    detail = "The server is very busy; please retry in a few seconds."
    return unavailable(request, detail, busy=True)


async def csrf_refused(request: Request, error: Exception) -> Response:
    """A form without a valid CSRF token is refused with the reason, never processed."""
    return templates.TemplateResponse(
        request, "forbidden.html", {"reason": str(error)}, status_code=403
    )


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    # /docs is our own page (webapp/routes/docs.py): Swagger UI from /static, not a CDN;
    # ReDoc, which only a CDN would serve, is off.
    app = FastAPI(title="Tourscope", docs_url=None, redoc_url=None)
    app.state.database_admission = DatabaseAdmission(
        slots=settings.effective_web_db_concurrency,
        queue_limit=settings.web_queue_limit,
        queue_timeout=settings.web_queue_timeout,
    )
    # The reference lists, computed once per catalogue generation (webapp/catalogue_cache.py),
    # and the public answers built, by validator (webapp/http_cache.py).
    app.state.catalogue_cache = CatalogueCache()
    app.state.answer_cache = AnswerCache(settings.web_answer_cache_mb * 2**20)
    # Outermost last: gzip sees the final answer; the answers kept and the caching default
    # see the CSRF middleware's `no-store` on answers that carry a form.
    app.add_middleware(CsrfCookieMiddleware)
    app.add_middleware(KeepPublicAnswers, cache=app.state.answer_cache)
    app.add_middleware(NoStoreByDefault)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=GZIP_LEVEL)
    # Outermost: a repeated scalar API parameter is refused before anything answers it.
    app.add_middleware(RepeatedParameterGuard)
    # An unhandled error: logged, and a readable 500 (inside the locale: in the visitor's
    # language).
    app.add_middleware(ServerErrorPage)
    # Request counts and latency (webapp/metrics.py), 500s included.
    app.state.metrics = Metrics()
    app.add_middleware(RequestMetrics, metrics=app.state.metrics)
    # Around everything, error answers included: each request in its visitor's language.
    app.add_middleware(LocaleMiddleware)
    # Around everything: the security headers on every answer (webapp/security_headers.py).
    app.add_middleware(SecurityHeaders, production=settings.environment == "production")
    # Each request's id, on its log lines and in its answer (webapp/request_id.py).
    app.add_middleware(RequestIdMiddleware)
    # Outermost: the client's address from X-Forwarded-For, only when the peer is one of
    # the configured proxies (webapp/client_address.py); no proxies, no forwarded headers.
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(public.router)
    app.include_router(api.router)
    app.include_router(hotels.router)
    app.include_router(deals.router)
    app.include_router(reference.router)
    app.include_router(leads.router)
    app.include_router(feedback.router)
    app.include_router(alerts.router)
    app.include_router(docs.router)
    app.include_router(metrics_routes.router)
    for router in manager.routers:
        app.include_router(router)
    app.add_exception_handler(OperationalError, database_unavailable)
    app.add_exception_handler(DatabaseUnavailable, database_unavailable)
    app.add_exception_handler(ServerBusy, server_busy)
    app.add_exception_handler(PoolTimeout, server_busy)
    app.add_exception_handler(CsrfError, csrf_refused)
    app.add_exception_handler(NotModified, not_modified)
    app.add_exception_handler(AnsweredFromMemory, answer_from_memory)
    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(RoleRequired, role_required)
    app.add_exception_handler(HTTPException, http_error)
    # The API's 422 in the reader's language (webapp/error_text.py); a page's malformed
    # path id is its 404 page (webapp/errors.py).
    app.add_exception_handler(RequestValidationError, invalid_request)
    install_openapi(app)
    return app
