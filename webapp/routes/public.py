"""The public HTML pages: the hotel search, its price calendar and its suggestions."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from models import MealPlan
from models.agency_time import agency_today
from models.catalog.calendar import price_calendar
from models.catalog.currency import DISPLAY_CURRENCIES
from models.catalog.exchange_rates import current_rates
from models.catalog.search import search_hotels
from models.catalog.search_filters import MAX_CHILDREN, SearchFilters, SortOrder
from models.catalog.search_widening import suggest_widening
from tourscope.foundation.i18n import lazy_gettext as _l
from webapp.catalogue_cache import ReferenceListsDep
from webapp.deps import SessionDep, SettingsDep
from webapp.error_text import readable_error
from webapp.http_cache import PublicPageCache
from webapp.lead_invitations import hotel_result_invitations, search_invitation
from webapp.locale import page_currency
from webapp.search_summary import describe_search
from webapp.templating import templates

router = APIRouter(include_in_schema=False)

# The search form's inputs, in form order, with the labels used in error messages.
FORM_LABELS = {
    "departure_city": _l("Departure city"),
    "country": _l("Country"),
    "resorts": _l("Resorts"),
    "date": _l("Departure date"),
    "flex_days": _l("Flexible by"),
    "date_from": _l("Departure from"),
    "date_to": _l("Departure to"),
    "nights_min": _l("Nights, at least"),
    "nights_max": _l("Nights, at most"),
    "adults": _l("Adults"),
    "children_ages": _l("Children's ages"),
    "stars_min": _l("Hotel stars"),
    "meal_min": _l("Meals"),
    "price_min": _l("Minimum price"),
    "price_max": _l("Maximum price"),
    "currency": _l("Currency"),
    "operators": _l("Operators"),
    "hotel_name": _l("Hotel name contains"),
    "sort": _l("Sort by"),
    "page": _l("Page"),
}
# Inputs that repeat (checkboxes, one select per child): read with getlist.
LIST_INPUTS = {"resorts", "children_ages", "operators"}
SORT_LABELS = {
    SortOrder.PRICE: _l("price"),
    SortOrder.STARS: _l("stars"),
    SortOrder.DATE: _l("departure date"),
}


@dataclass(frozen=True, slots=True)
class Pager:
    page: int
    pages: int
    previous_url: str | None
    next_url: str | None


def field_errors(error: ValidationError) -> dict[str, str]:
    """The first readable error of each form field, keyed by field name."""
    errors: dict[str, str] = {}
    for detail in error.errors():
        field = str(detail["loc"][0]) if detail["loc"] else ""
        errors.setdefault(field, readable_error(detail))
    return errors


def read_form(request: Request) -> dict[str, str | list[str]]:
    """What the visitor typed, kept as typed so the form shows it back."""
    params = request.query_params
    return {
        name: params.getlist(name) if name in LIST_INPUTS else params.get(name, "")
        for name in FORM_LABELS
    }


def convert_price_bounds(form: dict, bounds_currency: str, session) -> None:
    """The price bounds in the currency now chosen. The form says which currency its
    bounds were typed in (`bounds_currency`, hidden); a visitor who switches from euros to
    roubles means the same 500-1,500 EUR, not 500-1,500 roubles. Whole units: the numbers
    are for people to read and change."""
    chosen = page_currency(str(form["currency"]).strip().upper() or None)
    bounds_currency = bounds_currency.strip().upper()
    if bounds_currency == chosen or bounds_currency not in DISPLAY_CURRENCIES:
        return
    rates = current_rates(session)
    for name in ("price_min", "price_max"):
        try:
            amount = Decimal(str(form[name]).strip())
        except (InvalidOperation, ValueError):
            continue  # blank or not a number: left for the form's own message
        if not amount.is_finite() or amount < 0:
            continue
        converted = rates.convert(amount, bounds_currency, chosen)
        if converted is not None:
            form[name] = str(converted.quantize(Decimal(1), ROUND_HALF_UP))


def link_params(filters: SearchFilters) -> list[tuple[str, str]]:
    """The filters as a link's query. A page's default currency depends on its language
    (webapp/locale.py): a currency other than that default is always named, even the
    filters' own default, so a Russian reader who chose euros keeps them on page 2."""
    params = filters.query_params()
    named = any(name == "currency" for name, _value in params)
    if not named and filters.currency != page_currency(None):
        params.append(("currency", filters.currency))
    return params


def search_url(filters: SearchFilters, **changes) -> str:
    """The URL of this search with `changes` (page back to 1 unless given)."""
    return "?" + urlencode(link_params(filters.widened(**changes)))


def make_pager(page: int, pages: int, url_of: Callable[[int], str]) -> Pager:
    """Page `page` of `pages`, with the links to its neighbours (`url_of` a page number)."""
    return Pager(
        page=page,
        pages=pages,
        previous_url=url_of(page - 1) if page > 1 else None,
        next_url=url_of(page + 1) if page < pages else None,
    )


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    cache: PublicPageCache,
    lists: ReferenceListsDep,
) -> HTMLResponse:
    """The search form and its results; bad input re-renders the form with messages (422).

    Public and validated by the catalogue's generation (webapp/http_cache.py); the form's
    lists come from the worker's cache (webapp/catalogue_cache.py).
    """
    form = read_form(request)
    convert_price_bounds(form, request.query_params.get("bounds_currency", ""), session)
    today = agency_today()
    country = str(form["country"]).strip().upper()
    if not (len(country) == 2 and country.isascii() and country.isalpha()):
        country = ""
    context = {
        "form": form,
        "labels": FORM_LABELS,
        "countries": lists.countries,
        "resorts": lists.resorts_of(country) if country else [],
        "cities": lists.cities,
        "operators": lists.operators,
        "currencies": list(DISPLAY_CURRENCIES),
        "meals": list(MealPlan),
        "max_children": MAX_CHILDREN,
        "currency": page_currency(None),
        "errors": {},
        "filters": None,
        "results": None,
        "pager": None,
        "calendar": None,
        "suggestions": [],
        "summary": "",
        # A visitor who searched sees the results first, the form folded (search.html).
        "searched": bool(request.url.query),
    }
    try:
        filters = SearchFilters.model_validate(
            {**form, "currency": page_currency(str(form["currency"]).strip())}
        )
    except ValidationError as error:
        context["errors"] = field_errors(error)
        return templates.TemplateResponse(request, "search.html", context, status_code=422)
    if filters.date_from is not None:  # a past `from` date searched from today: say so
        form["date_from"] = filters.date_from.isoformat()
    results = search_hotels(session, filters, settings.search_page_size, today=today)
    calendar = price_calendar(session, filters, today=today)
    # The hotel page filters its offers like this search (the page and sort are ours).
    hotel_query = urlencode(
        [(name, value) for name, value in link_params(filters) if name not in {"page", "sort"}]
    )
    context.update(
        filters=filters,
        currency=filters.currency,
        results=results,
        pager=make_pager(results.page, results.pages, lambda page: search_url(filters, page=page)),
        calendar=calendar,
        calendar_urls={
            day.day: search_url(filters, date=day.day, date_from=None, date_to=None, flex_days=0)
            for day in calendar.days
        },
        sort_urls={choice: search_url(filters, sort=choice) for choice in SortOrder},
        sort_labels=SORT_LABELS,
        hotel_query=f"?{hotel_query}" if hotel_query else "",
        summary=describe_search(
            filters,
            today,
            country_name=next(
                (option.name for option in lists.countries if option.code == filters.country),
                None,
            ),
        ),
        # A personal manager for high-value searches and hotels (webapp/lead_invitations.py).
        lead_invitation=search_invitation(filters, results.rates),
        lead_hotels=hotel_result_invitations(filters, results),
    )
    if not results.hotels:
        context["suggestions"] = suggest_widening(session, filters, today=today)
    return cache.apply(templates.TemplateResponse(request, "search.html", context))
