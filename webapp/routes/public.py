"""The public HTML pages: the hotel search."""

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from models.queries import SearchFilters, SearchPage, list_countries, search_hotels
from webapp.deps import SessionDep, SettingsDep
from webapp.templating import templates

router = APIRouter(include_in_schema=False)

# The search form's inputs, in form order, with the labels used in error messages.
FORM_LABELS = {
    "country": "Country",
    "date_from": "Departure from",
    "date_to": "Departure to",
    "nights_min": "Nights, at least",
    "nights_max": "Nights, at most",
    "price_max": "Maximum price",
    "page": "Page",
}


# Pydantic's parsing errors, by the kind of input expected; other errors keep their message.
WHOLE_NUMBER_ERRORS = {"int_type", "int_parsing", "int_parsing_size", "int_from_float"}
DATE_ERRORS = {
    "date_type",
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
}
NUMBER_ERRORS = {"decimal_type", "decimal_parsing", "finite_number"}


@dataclass(frozen=True, slots=True)
class Pager:
    page: int
    pages: int
    previous_url: str | None
    next_url: str | None


def readable_error(error: ErrorDetails) -> str:
    """A short sentence for a visitor, from one pydantic error."""
    kind = error["type"]
    limits = error.get("ctx", {})
    if kind in WHOLE_NUMBER_ERRORS:
        return "Enter a whole number."
    if kind in DATE_ERRORS:
        return "Enter a real date, as YYYY-MM-DD."
    if kind in NUMBER_ERRORS:
        return "Enter a number, such as 1500."
    bounds = {
        "greater_than_equal": ("ge", "Enter {} or more."),
        "less_than_equal": ("le", "Enter {} or less."),
        "greater_than": ("gt", "Enter more than {}."),
        "less_than": ("lt", "Enter less than {}."),
    }
    if kind in bounds:
        key, template = bounds[kind]
        return template.format(limits[key])
    message = error["msg"]
    return message if message.endswith(".") else f"{message}."


def field_errors(error: ValidationError) -> dict[str, str]:
    """The first readable error of each form field, keyed by field name."""
    errors: dict[str, str] = {}
    for detail in error.errors():
        field = str(detail["loc"][0]) if detail["loc"] else ""
        errors.setdefault(field, readable_error(detail))
    return errors


def page_url(form: dict[str, str], page: int) -> str:
    """This search's URL at another page: the filled-in inputs, and the page."""
    params = {name: value for name, value in form.items() if value and name != "page"}
    return "?" + urlencode({**params, "page": page})


def make_pager(form: dict[str, str], results: SearchPage) -> Pager:
    return Pager(
        page=results.page,
        pages=results.pages,
        previous_url=page_url(form, results.page - 1) if results.page > 1 else None,
        next_url=page_url(form, results.page + 1) if results.page < results.pages else None,
    )


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    """The search form and its results; bad input re-renders the form with messages (422)."""
    # What the visitor typed, kept as typed, so the form shows it back.
    form = {name: request.query_params.get(name, "") for name in FORM_LABELS}
    context = {
        "form": form,
        "labels": FORM_LABELS,
        "countries": list_countries(session),
        "currency": settings.base_currency,
        "errors": {},
        "results": None,
        "pager": None,
    }
    try:
        filters = SearchFilters.model_validate(form)
    except ValidationError as error:
        context["errors"] = field_errors(error)
        return templates.TemplateResponse(request, "search.html", context, status_code=422)
    results = search_hotels(session, filters, settings.search_page_size)
    context["results"] = results
    context["pager"] = make_pager(form, results)
    return templates.TemplateResponse(request, "search.html", context)
