"""The trip form: its fields as typed, prefilled from a lead, read into `TripDetails`.

The form keeps the manager's text as typed, so a refused form is shown again as it was;
what cannot be read as a date, a whole number or a price is a `TripError` naming the
field, like the domain's own refusals, so a route shows both the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from models.care.trip_workflow import TripDetails, TripError
from models.leads.extras import EXTRAS
from models.leads.records import Lead
from tourscope.foundation.settings import get_settings


@dataclass(frozen=True, slots=True)
class TripForm:
    """The trip form's fields as typed, so a refused form is shown again as it was."""

    values: dict[str, str] = field(default_factory=dict)
    extras: tuple[str, ...] = ()


FORM_FIELDS = (
    "hotel_name",
    "operator_name",
    "destination",
    "departure_date",
    "return_date",
    "adults",
    "children",
    "price",
    "currency",
)


def form_from_lead(lead: Lead) -> TripForm:
    """The trip form prefilled from what the visitor saw (the lead's offer snapshot)."""
    snapshot = lead.snapshot or {}
    place = ", ".join(str(snapshot[key]) for key in ("resort", "country") if snapshot.get(key))
    values = {
        "hotel_name": snapshot.get("hotel") or "",
        "operator_name": snapshot.get("operator") or "",
        "destination": place,
        "departure_date": snapshot.get("departure_date") or "",
        "return_date": snapshot.get("return_date") or "",
        "adults": str(snapshot.get("adults") or 2),
        "children": str((snapshot.get("children") or 0) + (snapshot.get("infants") or 0)),
        "price": str(snapshot.get("price") or ""),
        "currency": snapshot.get("currency") or get_settings().base_currency,
    }
    extras = tuple(code for code in lead.extras if code in EXTRAS)
    return TripForm({name: str(value) for name, value in values.items()}, extras)


def parse_form_date(text: str, what: str) -> date:
    """A typed YYYY-MM-DD date; TripError naming the field (`what`) otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise TripError(f"give the {what} as a date (YYYY-MM-DD)") from None


def _whole(text: str, what: str) -> int:
    text = text.strip() or "0"
    if not re.fullmatch(r"[0-9]{1,3}", text):
        raise TripError(f"the number of {what} must be a whole number")
    return int(text)


def details_from_form(form: TripForm) -> TripDetails:
    """The typed form as TripDetails; TripError (one sentence) for what cannot be read."""
    values = form.values
    try:
        price = Decimal(values.get("price", "").replace(" ", "").replace(",", ".") or "x")
    except InvalidOperation:
        raise TripError("give the price as a number, e.g. 2400.00") from None
    if not price.is_finite():
        raise TripError("give the price as a number, e.g. 2400.00")
    details = TripDetails(
        hotel_name=values.get("hotel_name", "").strip(),
        operator_name=values.get("operator_name", "").strip(),
        destination=values.get("destination", "").strip() or None,
        departure_date=parse_form_date(values.get("departure_date", ""), "departure date"),
        return_date=parse_form_date(values.get("return_date", ""), "return date"),
        adults=_whole(values.get("adults", ""), "adults"),
        children=_whole(values.get("children", ""), "children"),
        price=price,
        currency=values.get("currency", "").strip().upper(),
        extras=form.extras,
    )
    return details
