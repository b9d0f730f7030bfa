"""Security headers on every answer, error pages and static files included.

The policy allows scripts, styles and fonts from our own origin only: the templates have no
inline script or style (a `javascript:` link or an inline `<script>` would be refused by
browsers, so behaviour lives in webapp/static/*.js); `/docs` loads Swagger UI from
/static too. Hotel photos come from the operators' sites, so images may be any http(s)
address. No page may be framed (clickjacking). HSTS is sent in production only: a
development server on plain HTTP must stay reachable.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https: http:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(*, production: bool) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Content-Type-Options": "nosniff",
    }
    if production:
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeaders:
    """Adds the headers to every HTTP answer (a header a route set itself is kept)."""

    def __init__(self, app: ASGIApp, *, production: bool) -> None:
        self.app = app
        self.headers = security_headers(production=production)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
