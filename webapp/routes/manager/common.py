"""Helpers shared by the back office's routes."""

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from webapp.templating import templates

# Back-office pages hold clients' personal data: never kept by a browser or proxy cache.
NO_STORE = {"Cache-Control": "no-store"}


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    context = {"user": getattr(request.state, "user", None), **context}
    return templates.TemplateResponse(
        request, name, context, status_code=status_code, headers=NO_STORE
    )


def form_text(form: FormData, name: str, max_length: int) -> str:
    """A form field as text, cut to `max_length` (a file upload counts as empty)."""
    value = form.get(name)
    return value[:max_length] if isinstance(value, str) else ""


def parse_id(value: str) -> int | None:
    """A row id from a path segment; None unless it is a plain positive 32-bit number."""
    if value.isascii() and value.isdigit() and 1 <= int(value) <= 2**31 - 1:
        return int(value)
    return None
