"""Each request's id: the caller's X-Request-ID when it is a plain token (a proxy's), else
a new one; on every log line of the request (tourscope/foundation/logging_setup.py) and sent back in
the answer's X-Request-ID, so a user's report and a log line can be matched."""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tourscope.foundation.logging_setup import request_id

HEADER = "X-Request-ID"
_PLAIN = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(HEADER, "")
        ident = given if _PLAIN.fullmatch(given) else uuid.uuid4().hex

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = ident
            await send(message)

        token = request_id.set(ident)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)
