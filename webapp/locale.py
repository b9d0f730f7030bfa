"""Which language a request is answered in, and the links to the other languages.

The visitor's choice wins: `?lang=en` on any page (the switcher's links, and the hreflang
alternates) answers in English and keeps the choice in a cookie for the pages after. With
no choice yet, the browser's Accept-Language is honoured; else the setting
`default_locale`. Every answer says its language (Content-Language) and that it varies
with the header and the cookie, so no cache hands a Russian page to an English visitor;
the public validators include the locale too (webapp/http_cache.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders, QueryParams
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tourscope.foundation.i18n import LOCALES, current_locale, reset_locale, set_locale
from tourscope.foundation.settings import get_settings

COOKIE = "tourscope_lang"
QUERY = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def accepted_locale(header: str) -> str | None:
    """The first language we speak among an Accept-Language header's, by quality:
    "en-GB,en;q=0.9,ru;q=0.8" -> "en"."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = tag.strip().split("-")[0].lower()
        if language in LOCALES and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    for choice in (query, cookie):
        if choice in LOCALES:
            return choice
    return accepted_locale(accept_language or "") or get_settings().default_locale


class LocaleMiddleware:
    """Sets the request's locale (tourscope/foundation/i18n.py) and keeps a `?lang=` choice."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(
            (name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]
        )
        chosen = QueryParams(scope.get("query_string", b"").decode("latin-1")).get(QUERY)
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is no choice, not an error page
            cookies = SimpleCookie()
        kept = cookies[COOKIE].value if COOKIE in cookies else None
        locale = negotiate(chosen, kept, headers.get("accept-language"))
        secure = get_settings().environment == "production"

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                response_headers["Content-Language"] = locale
                response_headers.add_vary_header("Accept-Language")
                response_headers.add_vary_header("Cookie")
                if chosen in LOCALES and chosen != kept:
                    cookie = (
                        f"{COOKIE}={chosen}; Max-Age={COOKIE_MAX_AGE}; Path=/; SameSite=Lax"
                        + ("; Secure" if secure else "")
                    )
                    response_headers.append("Set-Cookie", cookie)
            await send(message)

        token = set_locale(locale)
        try:
            await self.app(scope, receive, send_with_language)
        finally:
            reset_locale(token)


@dataclass(frozen=True, slots=True)
class LanguageLink:
    code: str
    name: str
    url: str
    current: bool


def language_links(request: Request) -> list[LanguageLink]:
    """This page in each language: the switcher's links and the hreflang alternates."""
    here = current_locale()
    return [
        LanguageLink(
            code, name, str(request.url.include_query_params(**{QUERY: code})), code == here
        )
        for code, name in LOCALES.items()
    ]


def page_currency(chosen: str | None) -> str:
    """The currency of a page's prices: the visitor's choice, else roubles for a Russian
    reader (what the agency's clients pay in), else the base currency."""
    if chosen:
        return chosen
    return "RUB" if current_locale() == "ru" else get_settings().base_currency
