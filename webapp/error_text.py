"""Validation errors as short sentences in the reader's language: for the search form's
fields and for the API's 422 answers."""

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic_core import ErrorDetails

from tourscope.foundation.i18n import N_, current_locale
from tourscope.foundation.i18n import gettext as _

# Pydantic's parsing errors, by the kind of input expected; other errors keep their message.
WHOLE_NUMBER_ERRORS = {"int_type", "int_parsing", "int_parsing_size", "int_from_float"}
DATE_ERRORS = {
    "date_type",
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
}
NUMBER_ERRORS = {"decimal_type", "decimal_parsing", "finite_number"}

# The search filters' own rules (models/catalog/search.py), by error type: translated here,
# so a Russian reader never gets one of them in English. `%(name)s` takes the error's ctx.
SEARCH_RULES = {
    "city_code": N_("Use a three-letter airport city code, such as MOW."),
    "country_code": N_("Use a two-letter country code, such as TR or EG."),
    "date_range": N_("The 'to' date must be on or after the 'from' date."),
    "date_range_length": N_("Pick departure dates at most %(days)s days apart."),
    "date_or_range": N_("Give one departure date or a from/to range, not both."),
    "nights_range": N_("Maximum nights must be at least the minimum nights."),
    "meal_code": N_("Use a meal plan code: RO, BB, HB, FB, AI or UAI."),
    "price_range": N_("The maximum price must be at least the minimum price."),
    "currency": N_("Pick a currency among %(known)s."),
    "hotel_name": N_("Use letters, digits and spaces only."),
}


def readable_error(error: ErrorDetails) -> str:
    """A short sentence for a visitor, from one pydantic error."""
    kind = error["type"]
    limits = error.get("ctx", {})
    if kind in WHOLE_NUMBER_ERRORS:
        return _("Enter a whole number.")
    if kind in DATE_ERRORS:
        return _("Enter a real date, as YYYY-MM-DD.")
    if kind == "date_past":
        return _("These dates are in the past: pick departure dates from today on.")
    if kind in SEARCH_RULES:
        return _(SEARCH_RULES[kind]) % limits
    if kind in NUMBER_ERRORS:
        return _("Enter a number, such as 1500.")
    if kind == "enum":
        choices = limits.get("expected") or _("the listed choices")
        return _("Pick one of: %(choices)s.") % {"choices": choices}
    if kind == "too_long" and "max_length" in limits:
        return _("Give at most %(count)s values.") % {"count": limits["max_length"]}
    if kind == "string_pattern_mismatch":
        return _("Use letters, digits, '-', '_' or '.' only.")
    if kind == "string_too_long":
        return _("Use at most %(count)s characters.") % {"count": limits["max_length"]}
    bounds = {
        "greater_than_equal": ("ge", _("Enter %(limit)s or more.")),
        "less_than_equal": ("le", _("Enter %(limit)s or less.")),
        "greater_than": ("gt", _("Enter more than %(limit)s.")),
        "less_than": ("lt", _("Enter less than %(limit)s.")),
    }
    if kind in bounds:
        key, template = bounds[kind]
        return template % {"limit": limits[key]}
    message = error["msg"]
    return message if message.endswith(".") else f"{message}."


async def api_validation_error(request: Request, error: RequestValidationError) -> Response:
    """FastAPI's 422 (`{"detail": [{"type", "loc", "msg", ...}]}`, English keys kept), each
    `msg` in the reader's language: pydantic's own English for an English reader, our
    sentences otherwise."""
    if current_locale() == "en":
        return await request_validation_exception_handler(request, error)
    details = [{**detail, "msg": readable_error(detail)} for detail in error.errors()]
    return JSONResponse(status_code=422, content={"detail": jsonable_encoder(details)})
