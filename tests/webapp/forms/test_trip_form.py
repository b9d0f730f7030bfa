"""The back office's trip form: prefilled from a won lead's offer, read into a trip's
details, an unreadable field named."""

from datetime import date
from decimal import Decimal

import pytest

from models.care.trip_workflow import (
    TripError,
)
from tests.factories import make_lead
from webapp.forms.trip_form import TripForm, details_from_form, form_from_lead


def test_the_form_is_prefilled_from_the_offer_snapshot(session):
    lead = make_lead(
        session,
        status="won",
        extras=["transfer", "childrens_room"],
        snapshot={
            "hotel": "Sea Breeze",
            "operator": "Acme Tours",
            "resort": "Antalya",
            "country": "Turkey",
            "departure_date": "2030-09-20",
            "return_date": "2030-09-27",
            "adults": 2,
            "children": 1,
            "infants": 1,
            "price": "3100.00",
            "currency": "USD",
        },
    )
    form = form_from_lead(lead)
    assert form.values == {
        "hotel_name": "Sea Breeze",
        "operator_name": "Acme Tours",
        "destination": "Antalya, Turkey",
        "departure_date": "2030-09-20",
        "return_date": "2030-09-27",
        "adults": "2",
        "children": "2",
        "price": "3100.00",
        "currency": "USD",
    }
    assert form.extras == ("transfer", "childrens_room")  # one vocabulary: the nanny kept
    parsed = details_from_form(form)
    assert (parsed.departure_date, parsed.price, parsed.children) == (
        date(2030, 9, 20),
        Decimal("3100.00"),
        2,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("departure_date", "20.09.2030", "give the departure date as a date"),
        ("return_date", "", "give the return date as a date"),
        ("adults", "two", "the number of adults must be a whole number"),
        ("children", "-1", "the number of children must be a whole number"),
        ("price", "lots", "give the price as a number"),
        ("price", "Infinity", "give the price as a number"),
    ],
)
def test_unreadable_form_fields_say_which(field, value, message):
    values = {
        "hotel_name": "H",
        "operator_name": "O",
        "departure_date": "2030-09-20",
        "return_date": "2030-09-27",
        "adults": "2",
        "children": "0",
        "price": "100",
        "currency": "EUR",
    }
    with pytest.raises(TripError, match=message):
        details_from_form(TripForm({**values, field: value}))
