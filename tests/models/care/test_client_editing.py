"""Client profiles: the form's checks, create and update as a whole, and a lead's client."""

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from models.agency_time import agency_today
from models.care.client_editing import (
    ClientError,
    age_on,
    client_for_lead,
    create_client,
    update_client,
)
from models.care.clients import Client, ClientChild, ClientPreference
from models.leads.extras import EXTRAS
from tests.factories import make_client, make_lead, make_user, row_count
from webapp.forms.client_form import client_fields, form_errors, read_client_form

TODAY = date(2027, 3, 15)


def _form(**fields) -> dict[str, list[str]]:
    base = {"name": ["Olga Petrova"], "email": ["Olga@Example.ORG"], "adults": ["2"]}
    return {
        **base,
        **{name: value if isinstance(value, list) else [value] for name, value in fields.items()},
    }


def test_a_full_profile_is_stored_with_its_children_and_preferences(session):
    mia = make_user(session, "mia@example.com")
    form = read_client_form(
        _form(
            phone="+7 900 123-45-67",
            preferred_channel="messenger",
            contact_time="weekdays after 18:00",
            adults="2",
            budget_band="premium",
            notes="Anniversary in June.",
            manager_id=str(mia.id),
            child_name=["Masha", "", ""],
            child_birth=["2019-05-02", "2023-01-10", ""],
            pref_country=["Turkey", "Egypt"],
            pref_country_other="Greece, turkey",
            pref_resort_other="Antalya",
            pref_hotel_style=["family", "beach"],
            pref_meal=["all inclusive"],
            pref_dietary=["gluten free"],
            pref_habit_other="smoking",
            pref_pet_other="dog: Rex, cat",
            pref_need=["transfer", "extra room", "excursions"],
        ),
        today=TODAY,
    )
    client = create_client(session, form)
    session.commit()
    session.expire_all()
    client = session.get(Client, client.id)
    assert client.email == "olga@example.org"
    assert client.manager_id == mia.id
    assert (client.budget_band, client.preferred_channel) == ("premium", "messenger")
    assert [(c.name, c.birth_date) for c in client.children] == [
        ("Masha", date(2019, 5, 2)),
        (None, date(2023, 1, 10)),
    ]
    assert client.preference_values("country") == ["Turkey", "Egypt", "Greece"]  # "turkey" once
    assert client.preference_values("need") == ["transfer", "extra room", "excursions"]
    pets = [(p.value, p.detail) for p in client.preferences if p.kind == "pet"]
    assert pets == [("dog", "Rex"), ("cat", None)]
    assert client.preference_values("habit") == ["smoking"]


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
        read_client_form(_form(**fields), today=TODAY)
    errors = form_errors(refused.value)
    assert reason in errors[field]
    assert row_count(session, Client) == 0


def test_several_bad_fields_each_get_their_message():
    with pytest.raises(ValidationError) as refused:
        read_client_form(_form(email="nope", adults="0", child_birth=["2030-01-01"]), today=TODAY)
    errors = form_errors(refused.value)
    assert set(errors) == {"email", "adults", "children"}


def test_a_child_just_under_18_is_a_child():
    form = read_client_form(_form(child_birth=["2009-03-16"]), today=TODAY)
    assert age_on(form.children[0].birth_date, TODAY) == 17


def test_an_update_replaces_children_and_preferences_as_a_whole(session):
    client = make_client(
        session,
        preferences=[("country", "Turkey"), ("pet", "dog", "Rex"), ("need", "car")],
        children=[date(2015, 1, 1), date(2018, 6, 1)],
    )
    session.commit()
    form = read_client_form(
        _form(pref_country=["Spain"], child_birth=["2020-02-02"], adults="3"), today=TODAY
    )
    update_client(session, client, form)
    session.commit()
    session.expire_all()
    client = session.get(Client, client.id)
    assert client.adults == 3
    assert [(p.kind, p.value) for p in client.preferences] == [("country", "Spain")]
    assert [c.birth_date for c in client.children] == [date(2020, 2, 2)]
    assert row_count(session, ClientPreference) == 1
    assert row_count(session, ClientChild) == 1


def test_another_clients_email_is_refused_and_nothing_changes(session):
    make_client(session, name="First", email="olga@example.org")
    second = make_client(session, name="Second", email="second@example.org")
    session.commit()
    form = read_client_form(_form(name="Renamed", email="OLGA@example.org"), today=TODAY)
    with pytest.raises(ClientError, match=r"already has the e-mail olga@example\.org"):
        update_client(session, second, form)
    session.rollback()
    session.expire_all()
    assert session.get(Client, second.id).name == "Second"
    with pytest.raises(ClientError, match="already has the e-mail"):
        create_client(session, form)
    session.rollback()
    assert row_count(session, Client) == 2


def test_an_inactive_manager_is_refused(session):
    gone = make_user(session, "gone@example.com")
    gone.active = False
    session.commit()
    form = read_client_form(_form(manager_id=str(gone.id)), today=TODAY)
    with pytest.raises(ClientError, match="choose the client's manager"):
        create_client(session, form)


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


def test_client_for_lead_reuses_the_client_with_the_leads_email(session):
    existing = make_client(session, name="Olga", email="olga@example.org")
    lead = make_lead(session, name="Olga P.", email="  OLGA@example.org ")
    client = client_for_lead(session, lead)
    assert client.id == existing.id
    assert lead.client_id == existing.id
    assert row_count(session, Client) == 1
    # Asking again answers the linked client.
    assert client_for_lead(session, lead).id == existing.id


def test_client_for_lead_makes_a_record_from_the_lead(session):
    mia = make_user(session, "mia@example.com")
    snapshot = {"hotel": "Sea Breeze", "country": "Turkey", "resort": "Antalya", "adults": 3}
    lead = make_lead(
        session, email="new@example.org", snapshot=snapshot, wishes="Sea view", assigned_to=mia
    )
    client = client_for_lead(session, lead)
    session.commit()
    assert (client.name, client.email, client.adults, client.notes) == (
        "Anna Visitor",
        "new@example.org",
        3,
        "Sea view",
    )
    assert client.manager_id == mia.id
    assert [(p.kind, p.value) for p in client.preferences] == [
        ("country", "Turkey"),
        ("resort", "Antalya"),
    ]


def test_a_client_made_from_a_lead_keeps_its_party_and_extras(session):
    """Lead #14 of the walk: a family with children of 7 and 10 who asked for private
    excursions, a car with driver and a nanny. The client record keeps the party and the
    needs, and the trip form offers the same extras (issue 15, bug 5)."""
    from models.leads.scoring import scoring_rules
    from webapp.forms.trip_form import form_from_lead

    lead = make_lead(
        session,
        source="search",
        snapshot={"search": "Turkey", "party": "2 adults + 2 children"},
        search_query="country=TR&adults=2&children_ages=7&children_ages=10",
        extras=["private_excursions", "car_with_driver", "childrens_room"],
        language="en",
    )
    client = client_for_lead(session, lead)
    session.commit()

    assert client.adults == 2
    assert sorted(age_on(child.birth_date, agency_today()) for child in client.children) == [7, 10]
    needs = [p.value for p in client.preferences if p.kind == "need"]
    assert needs == ["private excursions", "car with driver", "children's room or a nanny"]
    # One vocabulary: every extra the lead form offers is one a trip can be booked with.
    assert form_from_lead(lead).extras == (
        "private_excursions",
        "car_with_driver",
        "childrens_room",
    )
    assert set(scoring_rules().extras) <= set(EXTRAS)


def test_ages_count_full_years():
    assert age_on(date(2020, 3, 16), TODAY) == 6
    assert age_on(date(2020, 3, 15), TODAY) == 7
    assert age_on(TODAY - timedelta(days=1), TODAY) == 0
