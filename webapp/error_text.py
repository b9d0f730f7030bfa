"""Validation errors as short text: the one translator of pydantic's errors.

Each audience reads its own wording (`Wording`): a visitor a sentence in their language
(the search form's fields and the API's 422 answers), a manager's form a short reason
beside the field's label, the back office's list filters pydantic's own message.
`readable_error` words one error for one of them.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

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


Reason = Callable[[ErrorDetails], str]


@dataclass(frozen=True, slots=True)
class Wording:
    """How one audience is told what is wrong: a reason for each pydantic error type it
    words itself, `otherwise` for the rest."""

    reasons: Mapping[str, Reason]
    otherwise: Reason


def _limits(error: ErrorDetails) -> dict:
    return error.get("ctx") or {}


def pydantic_message(error: ErrorDetails) -> str:
    """Pydantic's own message, without the "Value error, " of a validator's refusal."""
    return str(error["msg"]).removeprefix("Value error, ")


def _sentence(error: ErrorDetails) -> str:
    message = error["msg"]
    return message if message.endswith(".") else f"{message}."


def _search_rule(error: ErrorDetails) -> str:
    return _(SEARCH_RULES[error["type"]]) % _limits(error)


def _choices(error: ErrorDetails) -> str:
    choices = _limits(error).get("expected") or _("the listed choices")
    return _("Pick one of: %(choices)s.") % {"choices": choices}


def _values_count(error: ErrorDetails) -> str:
    if "max_length" not in _limits(error):
        return _sentence(error)
    return _("Give at most %(count)s values.") % {"count": _limits(error)["max_length"]}


def _bound(key: str, template: str) -> Reason:
    return lambda error: _(template) % {"limit": _limits(error)[key]}


# A visitor's sentences, in the reader's language (translated when an error is worded).
VISITOR = Wording(
    reasons={
        **dict.fromkeys(WHOLE_NUMBER_ERRORS, lambda error: _("Enter a whole number.")),
        **dict.fromkeys(DATE_ERRORS, lambda error: _("Enter a real date, as YYYY-MM-DD.")),
        "date_past": lambda error: _(
            "These dates are in the past: pick departure dates from today on."
        ),
        **dict.fromkeys(SEARCH_RULES, _search_rule),
        **dict.fromkeys(NUMBER_ERRORS, lambda error: _("Enter a number, such as 1500.")),
        "enum": _choices,
        "too_long": _values_count,
        "string_pattern_mismatch": lambda error: _("Use letters, digits, '-', '_' or '.' only."),
        "string_too_long": lambda error: (
            _("Use at most %(count)s characters.") % {"count": _limits(error)["max_length"]}
        ),
        "greater_than_equal": _bound("ge", N_("Enter %(limit)s or more.")),
        "less_than_equal": _bound("le", N_("Enter %(limit)s or less.")),
        "greater_than": _bound("gt", N_("Enter more than %(limit)s.")),
        "less_than": _bound("lt", N_("Enter less than %(limit)s.")),
    },
    otherwise=_sentence,
)

# A back-office form's reasons, in the manager's words, shown after the field's label
# ("Name: is required").
BACK_OFFICE_FORM = Wording(
    reasons={
        "missing": lambda error: "is required",
        "string_too_short": lambda error: "is required",
        "string_too_long": lambda error: (
            f"is too long (at most {_limits(error).get('max_length')} characters)"
        ),
        "enum": lambda error: f"choose one of {_limits(error).get('expected')}",
        **dict.fromkeys(
            DATE_ERRORS, lambda error: f"'{error.get('input')}' is not a date (YYYY-MM-DD)"
        ),
        "too_long": lambda error: f"at most {_limits(error).get('max_length')} entries",
        **dict.fromkeys(WHOLE_NUMBER_ERRORS, lambda error: "choose from the list"),
    },
    otherwise=pydantic_message,
)

# The back office's list filters: pydantic's own message after the parameter's name.
PYDANTIC = Wording(reasons={}, otherwise=pydantic_message)


def readable_error(error: ErrorDetails, wording: Wording = VISITOR) -> str:
    """One pydantic error as text in `wording`: by default, a visitor's sentence."""
    reason = wording.reasons.get(error["type"], wording.otherwise)
    return reason(error)


async def api_validation_error(request: Request, error: RequestValidationError) -> Response:
    """FastAPI's 422 (`{"detail": [{"type", "loc", "msg", ...}]}`, English keys kept), each
    `msg` in the reader's language: pydantic's own English for an English reader, our
    sentences otherwise."""
    if current_locale() == "en":
        return await request_validation_exception_handler(request, error)
    details = [{**detail, "msg": readable_error(detail)} for detail in error.errors()]
    return JSONResponse(status_code=422, content={"detail": jsonable_encoder(details)})
