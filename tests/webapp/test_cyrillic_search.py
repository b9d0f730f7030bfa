"""Names typed in Cyrillic: hotels and resorts found across scripts, Russian place names,
and a lead with a Cyrillic name and search."""

from urllib.parse import quote

from sqlalchemy import select

from models import Country, DepartureCity, Hotel, Lead, Resort
from models.catalog.place_names import place_display_name, place_name_column, place_names
from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)
from tests.webapp.test_leads import open_form, submit
from tests.webapp.test_search_page import visible_text


def found(client, typed: str) -> list[str]:
    html = client.get(f"/?hotel_name={quote(typed)}").text
    return sorted(
        name
        for name in ("Rixos Premium Belek", "Antalya Palace", "Side Garden", "Hurghada Reef")
        if name in visible_text(html)
    )


def add_rixos(session) -> None:
    turkey = session.scalars(select(Country).where(Country.code == "TR")).one()
    belek = make_resort(session, turkey, "Belek")
    rixos = make_hotel(session, belek, "Rixos Premium Belek", 5)
    city = session.scalars(select(DepartureCity)).first()
    make_offer(
        session,
        operator=make_operator(session, "moontour", "Moon Tour"),
        hotel=rixos,
        departure_city=city,
        price="3100.00",
    )
    session.commit()


def test_a_hotel_typed_in_cyrillic_finds_its_latin_name(client, offers, session):
    add_rixos(session)

    assert found(client, "Риксос") == ["Rixos Premium Belek"]
    assert found(client, "риксос премиум") == ["Rixos Premium Belek"]
    assert found(client, "Rixos") == ["Rixos Premium Belek"]
    assert found(client, "Хургада Риф") == ["Hurghada Reef"]


def test_a_resort_typed_in_either_script_finds_its_hotels(client, offers, session):
    assert found(client, "Анталья") == ["Antalya Palace"]
    assert found(client, "Сиде") == ["Side Garden"]
    assert found(client, "Хургада") == ["Hurghada Reef"]
    assert found(client, "hurghada") == ["Hurghada Reef"]
    assert found(client, "Кемер") == []


def test_a_latin_name_still_matches_any_part_of_it(client, offers):
    assert found(client, "ala") == ["Antalya Palace"]  # inside a word, as typed


def test_russian_place_names_by_locale(session):
    turkey = make_country(session, "TR", "Turkey")
    turkey.name_ru = "Турция"
    antalya = make_resort(session, turkey, "Antalya")
    antalya.name_ru = "Анталья"
    unnamed = make_resort(session, turkey, "Nowhere Bay")
    moscow = make_departure_city(session, "MOW", "Moscow")
    moscow.name_ru = "Москва"
    session.flush()

    assert place_display_name(antalya, "ru") == "Анталья"
    assert place_display_name(antalya, "ru-RU") == "Анталья"
    assert place_display_name(antalya, "en") == "Antalya"
    assert place_display_name(unnamed, "ru") == "Nowhere Bay"
    names = place_names(session, "ru")
    assert names.country("TR") == "Турция" and names.departure_city("MOW") == "Москва"
    assert names.resorts == {antalya.id: "Анталья", unnamed.id: "Nowhere Bay"}
    assert place_names(session, "en").resort(antalya.id) == "Antalya"
    in_russian = select(place_name_column(Resort, "ru")).order_by(Resort.id)
    assert session.scalars(in_russian).all() == ["Анталья", "Nowhere Bay"]
    # The Russian name is searchable too.
    assert session.scalar(select(Resort.search_key).where(Resort.id == antalya.id)) == " antl antl"
    assert session.scalar(select(Hotel.id).limit(1)) is None


def test_a_lead_with_a_cyrillic_name_and_search_is_accepted(client, offers, session):
    form = open_form(client, f"country=TR&adults=2&hotel_name={quote('Анталья')}")

    response = submit(client, form, name="Ольга Петровна Смирнова-Иванова", extras=[])

    assert response.status_code == 303, response.text
    lead = session.scalars(select(Lead)).one()
    assert lead.name == "Ольга Петровна Смирнова-Иванова"
    assert "hotel_name=%D0%90%D0%BD%D1%82%D0%B0%D0%BB%D1%8C%D1%8F" in lead.search_query
