"""Helpers shared by the back office's routes."""

from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from webapp.deps import parse_id
from webapp.error_text import PYDANTIC, readable_error
from webapp.templating import templates

__all__ = ["form_text", "not_found", "pager_links", "parse_id", "query_filters", "render"]

Filters = TypeVar("Filters", bound=BaseModel)

# Back-office pages hold clients' personal data: never kept by a browser or proxy cache.
NO_STORE = {"Cache-Control": "no-store"}


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    context = {"user": getattr(request.state, "user", None), **context}
    return templates.TemplateResponse(
        request, name, context, status_code=status_code, headers=NO_STORE
    )


def not_found(request: Request, what: str, typed_id: int | str) -> HTMLResponse:
    """The 404 page for a row that is not there: "There is no client number 12"."""
    context = {
        "title": f"{what.capitalize()} not found",
        "reason": f"There is no {what} {str(typed_id)[:20]}.",
    }
    return render(request, "not_found.html", context, status_code=404)


def query_filters(request: Request, model: type[Filters]) -> tuple[Filters, list[str]]:
    """A list page's filters from its query string; on bad values, no filters and the
    reasons to show (the page answers 422 with them)."""
    try:
        return model.model_validate(dict(request.query_params)), []
    except ValidationError as error:
        return model(), [validation_error_text(e) for e in error.errors()]


def validation_error_text(error: dict) -> str:
    """One pydantic error as the page shows it: "field: reason"."""
    field = ".".join(str(part) for part in error["loc"] if not isinstance(part, int))
    message = readable_error(error, PYDANTIC)
    return f"{field}: {message}" if field else message


def pager_links(page: Any, params: list[tuple[str, str]]) -> dict:
    """Page number, count and the previous/next URLs of a list page (`page` has `page`
    and `pages`), keeping the list's filters (`params`)."""

    def url(number: int) -> str:
        return "?" + urlencode([*params, ("page", str(number))])

    return {
        "page": page.page,
        "pages": page.pages,
        "previous_url": url(page.page - 1) if page.page > 1 else None,
        "next_url": url(page.page + 1) if page.page < page.pages else None,
    }


def form_text(form: FormData, name: str, max_length: int) -> str:
    """A form field as text, cut to `max_length` (a file upload counts as empty)."""
    value = form.get(name)
    return value[:max_length] if isinstance(value, str) else ""
