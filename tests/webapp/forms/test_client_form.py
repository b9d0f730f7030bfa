"""The back office's client form: what a manager types, read into a client's details, and
each problem one message beside its field."""

from datetime import date

import pytest
from pydantic import ValidationError

from models.care.client_editing import (
    age_on,
)
from models.care.clients import Client
from tests.factories import client_form_fields, make_client, row_count
from webapp.forms.client_form import client_fields, form_errors, read_client_form

TODAY = date(2027, 3, 15)


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"email": "olga-at-example"}, "email", "E-mail: 'olga-at-example' does not look like"),
        ({"adults": "0"}, "adults", "Adults: a party has 1 to 20 adults"),
        ({"adults": "21"}, "adults", "Adults: a party has 1 to 20 adults"),
        ({"name": "  "}, "name", "Name: is required"),
        ({"name": "x" * 101}, "name", "Name: is too long (at most 100 characters)"),
        (
            {"child_birth": ["2027-04-01"]},
            "children",
            "Child 1: born on 2027-04-01, a date in the future",
        ),
        ({"child_birth": ["2009-03-15"]}, "children", "18 or older"),
        ({"child_name": ["Masha"]}, "children", "Child 1 birth date: is required"),
        ({"child_birth": ["15.03.2020"]}, "children", "is not a date (YYYY-MM-DD)"),
        ({"pref_country_other": "x" * 101}, "pref_country", "Countries: is too long"),
        ({"budget_band": "cheap"}, "budget_band", "Budget: choose one of"),
        ({"phone": "call me"}, "phone", "does not look like a phone number"),
    ],
)
def test_bad_input_is_refused_with_one_reason_per_field(session, fields, field, reason):
    with pytest.raises(ValidationError) as refused:
        read_client_form(client_form_fields(**fields), today=TODAY)
    errors = form_errors(refused.value)
    assert reason in errors[field]
    assert row_count(session, Client) == 0


def test_several_bad_fields_each_get_their_message():
    with pytest.raises(ValidationError) as refused:
        read_client_form(
            client_form_fields(email="nope", adults="0", child_birth=["2030-01-01"]), today=TODAY
        )
    errors = form_errors(refused.value)
    assert set(errors) == {"email", "adults", "children"}


def test_a_child_just_under_18_is_a_child():
    form = read_client_form(client_form_fields(child_birth=["2009-03-16"]), today=TODAY)
    assert age_on(form.children[0].birth_date, TODAY) == 17


def test_the_edit_form_ticks_offered_values_and_types_the_rest(session):
    client = make_client(
        session,
        preferences=[("country", "Turkey"), ("country", "Bhutan"), ("pet", "dog", "Rex")],
        children=[date(2019, 5, 2)],
    )
    fields = client_fields(client, {"country": ["Turkey", "Egypt"]})
    assert fields["pref_country"] == ["Turkey"]
    assert fields["pref_country_other"] == ["Bhutan"]
    assert fields["pref_pet_other"] == ["dog: Rex"]
    assert fields["child_birth"] == ["2019-05-02"]
    # What the edit form shows posts back to the same profile.
    again = read_client_form(fields, today=TODAY)
    assert [(e.value, e.detail) for e in again.preferences["pet"]] == [("dog", "Rex")]
