"""HTTP caching: answers that change only with the catalogue are validated by its
generation; everything else is never stored.

Public pages and API answers built from the catalogue alone (the search page, hotel
pages, hot deals; the search, calendar, hotel, deals and reference APIs) carry
`Cache-Control: public, max-age=60` and a weak ETag made of the catalogue's generation
(models/catalog/generation.py), the day (searches start tomorrow), the code's release,
the visitor's language and the request's path and query. A browser or proxy reuses an
answer for a minute, then asks again with If-None-Match and gets 304 Not Modified, with
no query run and nothing rendered, until a crawl lands or an admin changes hotels. HTML
pages also say how long ago each price was checked, so their validators turn over every
PAGE_FRESHNESS_SECONDS.

Each worker also keeps the public answers it built, by validator (`AnswerCache`,
TOURSCOPE_WEB_ANSWER_CACHE_MB): the next visitor who asks the same thing of the same
catalogue gets them from memory, with no query but the generation's and no rendering.
The crowd a newspaper link sends to the landing page costs one rendering per worker.

Everything else (the back office, the lead form and its confirmation, feedback forms,
the health check, error pages) is `Cache-Control: no-store`
(`NoStoreByDefault`): per-visitor content, CSRF tokens and notices are kept by no one.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.agency_time import agency_today
from models.catalog.generation import current_generation
from tourscope.foundation.i18n import current_locale
from webapp.deps import SessionDep

# Seconds a browser or proxy may reuse a public answer without asking again.
MAX_AGE = 60
PUBLIC = f"public, max-age={MAX_AGE}"
NO_STORE = "no-store"
# HTML pages show "checked 20 min ago": their validators last at most this long.
PAGE_FRESHNESS_SECONDS = 300


def _release() -> str:
    """A digest of the code and templates that shape the answers: a deploy that changes
    them changes every validator, the same in every worker process."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for folder in ("webapp", "models", "tourscope"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".po"}:
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


RELEASE = _release()


@dataclass(frozen=True, slots=True)
class CatalogueVersion:
    """What every answer derived from the catalogue depends on besides the request."""

    generation: int
    today: date


def catalogue_version(session: SessionDep) -> CatalogueVersion:
    """Read first, before the data: what is read after it is at least this new."""
    return CatalogueVersion(current_generation(session), agency_today())


CatalogueVersionDep = Annotated[CatalogueVersion, Depends(catalogue_version)]


class NotModified(Exception):
    """The client's copy is current: answered 304 with its validator."""

    def __init__(self, etag: str) -> None:
        super().__init__(etag)
        self.etag = etag


async def not_modified(_request: Request, error: Exception) -> Response:
    assert isinstance(error, NotModified)
    return Response(status_code=304, headers={"ETag": error.etag, "Cache-Control": PUBLIC})


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    body: bytes
    headers: dict[str, str]  # its content type, validator and Cache-Control


class AnswerCache:
    """The public answers one worker built, by validator, up to `max_bytes` of bodies;
    the least recently used go first. Shared by the event loop and the threadpool."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._answers: OrderedDict[str, StoredAnswer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, etag: str) -> StoredAnswer | None:
        with self._lock:
            answer = self._answers.get(etag)
            if answer is not None:
                self._answers.move_to_end(etag)
            return answer

    def put(self, etag: str, answer: StoredAnswer) -> None:
        size = len(answer.body)
        if size > self.max_bytes // 8:  # one answer never crowds out the rest
            return
        with self._lock:
            if etag in self._answers:
                return
            self._answers[etag] = answer
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)


class AnsweredFromMemory(Exception):
    """This worker built this very answer before: sent again as it was."""

    def __init__(self, answer: StoredAnswer) -> None:
        super().__init__(answer.headers["etag"])
        self.answer = answer


async def answer_from_memory(_request: Request, error: Exception) -> Response:
    assert isinstance(error, AnsweredFromMemory)
    return Response(error.answer.body, headers=error.answer.headers)


class KeepPublicAnswers:
    """Stores each public 200 answer's body in the app's AnswerCache, by its validator."""

    def __init__(self, app: ASGIApp, cache: AnswerCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.cache.max_bytes:
            await self.app(scope, receive, send)
            return
        kept: dict[str, str] | None = None
        chunks: list[bytes] = []

        async def send_and_keep(message: Message) -> None:
            nonlocal kept
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                public = headers.get("cache-control") == PUBLIC and "set-cookie" not in headers
                if message["status"] == 200 and public and "etag" in headers:
                    kept = {
                        "etag": headers["etag"],
                        "cache-control": PUBLIC,
                        "content-type": headers.get("content-type", "application/octet-stream"),
                    }
            elif message["type"] == "http.response.body" and kept is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self.cache.put(kept["etag"], StoredAnswer(b"".join(chunks), kept))
            await send(message)

        await self.app(scope, receive, send_and_keep)


@dataclass(frozen=True, slots=True)
class PublicCache:
    """The validator of one public answer; `apply` puts it on a response the route built."""

    etag: str

    @property
    def headers(self) -> dict[str, str]:
        return {"ETag": self.etag, "Cache-Control": PUBLIC}

    def apply(self, response: Response) -> Response:
        """Only a 200 is public: an error page (422, 404) stays unstored."""
        if response.status_code == 200:
            response.headers.update(self.headers)
        return response


def make_etag(version: CatalogueVersion, request: Request, *, page: bool) -> str:
    # The locale: one URL answers in the language of the visitor's cookie or browser.
    parts = [RELEASE, current_locale(), request.url.path, request.url.query]
    if page:
        parts.append(str(int(time.time()) // PAGE_FRESHNESS_SECONDS))
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
    return f'W/"{version.generation}.{version.today:%Y%m%d}.{digest}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match's weak comparison: any listed validator equal to ours, or *."""
    if not if_none_match:
        return False
    ours = etag.removeprefix("W/")
    listed = (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))
    return any(tag in ("*", ours) for tag in listed)


def _public_cache(page: bool):
    # Async: a few hashes and a lookup, done on the event loop without a thread of its own.
    async def dependency(
        request: Request, response: Response, version: CatalogueVersionDep
    ) -> PublicCache:
        cache = PublicCache(make_etag(version, request, page=page))
        if etag_matches(request.headers.get("if-none-match"), cache.etag):
            raise NotModified(cache.etag)
        answers: AnswerCache = request.app.state.answer_cache
        stored = answers.get(cache.etag)
        if stored is not None:
            raise AnsweredFromMemory(stored)
        # Used when the route returns data (FastAPI builds the response from it); a route
        # that builds its own response calls `apply`.
        response.headers.update(cache.headers)
        return cache

    return dependency


PublicApiCache = Annotated[PublicCache, Depends(_public_cache(page=False))]
PublicPageCache = Annotated[PublicCache, Depends(_public_cache(page=True))]


class NoStoreByDefault:
    """An answer that says nothing of caching is `no-store`. (Static files carry
    their own validators and are left to the browser's usual rules.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "cache-control" not in headers and "etag" not in headers:
                    headers["Cache-Control"] = NO_STORE
            await send(message)

        await self.app(scope, receive, send_with_policy)
