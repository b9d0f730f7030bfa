"""Client profiles: the form's checks, create and update as a whole, and a lead's client."""

from datetime import date, timedelta

import pytest

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
from tests.factories import client_form_fields, make_client, make_lead, make_user, row_count
from webapp.forms.client_form import read_client_form

TODAY = date(2027, 3, 15)


def test_a_full_profile_is_stored_with_its_children_and_preferences(session):
    mia = make_user(session, "mia@example.com")
    form = read_client_form(
        client_form_fields(
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


def test_an_update_replaces_children_and_preferences_as_a_whole(session):
    client = make_client(
        session,
        preferences=[("country", "Turkey"), ("pet", "dog", "Rex"), ("need", "car")],
        children=[date(2015, 1, 1), date(2018, 6, 1)],
    )
    session.commit()
    form = read_client_form(
        client_form_fields(pref_country=["Spain"], child_birth=["2020-02-02"], adults="3"),
        today=TODAY,
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
    form = read_client_form(
        client_form_fields(name="Renamed", email="OLGA@example.org"), today=TODAY
    )
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
    form = read_client_form(client_form_fields(manager_id=str(gone.id)), today=TODAY)
    with pytest.raises(ClientError, match="choose the client's manager"):
        create_client(session, form)


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
