"""Letter templates, the checklist from a client's needs, and sending through the outbox."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from models.care.letter_checklists import sample_context
from models.care.letter_queries import due_letters
from models.care.letter_templates import (
    TEMPLATES_DIR,
    LetterError,
    LetterTextError,
    default_template,
    reset_template,
    save_template,
    template_for,
    template_keys,
    validate_template,
)
from models.care.letters import draft_letter, find_letter, send_due_letters, send_letter
from models.care.trip_workflow import cancel_trip, create_trip, create_trip_from_lead
from models.care.trips import LetterTemplate, TripLetter
from models.leads.records import OutboxMessage
from tests.factories import make_client, make_lead, make_user, row_count
from tests.factories import trip_details as make_trip_details
from tourscope.workers.outbox import FolderTransport, deliver_due

# 12:00 in Moscow on 20 Jun 2030; the trips below depart on 20 Sep 2030.
NOW = datetime(2030, 6, 20, 9, 0, tzinfo=UTC)
DEPARTURE = date(2030, 9, 20)


def trip_details(**changes):
    return make_trip_details(DEPARTURE, **changes)


@pytest.fixture
def family(session, manager):
    """A client with a 1-year-old, a gluten-free diet, a dog called Rex, a smoker, who needs
    a transfer."""
    return make_client(
        session,
        name="Olga Petrova",
        manager=manager,
        language="en",
        children=[date(2029, 5, 1)],
        preferences=[
            ("dietary", "gluten free"),
            ("pet", "dog", "Rex"),
            ("habit", "smoking"),
            ("need", "transfer"),
            ("country", "Turkey"),
        ],
    )


def letter_of(trip, key: str) -> TripLetter:
    return next(letter for letter in trip.letters if letter.template_key == key)


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("key", ["2m", "1m", "2w", "3d", "default"])
def test_every_default_template_renders(key, language):
    template = default_template(key, language)
    assert not template.edited
    assert template.subject and "Subject:" not in template.body
    assert (TEMPLATES_DIR / language / f"{key}.txt").is_file()
    validate_template(template.subject, template.body, language)


def test_the_checklist_follows_the_clients_needs(session, manager, family):
    trip = create_trip(session, family, manager, trip_details(children=1), NOW)
    draft = draft_letter(session, letter_of(trip, "2w"), NOW)

    assert draft.subject == "Two weeks to your trip to Antalya, Turkey"
    body = draft.body
    assert body.startswith("Dear Olga,")
    assert "In two weeks, on 20 Sep 2030, you leave for Antalya Palace" in body
    for item in (
        "- Passports for everyone travelling, valid at least 6 months after your return on "
        "27 Sep 2030.",
        "- Birth certificates for the children, and a notarised consent to travel",
        "- A cot in the room for the youngest: we ask the hotel.",
        "- Child car seats for the transfer or the car.",
        "- Gluten free diet: we tell the hotel before you arrive.",
        "- Arrange care for Rex, your dog, while you are away.",
        "- A smoking room",
        "- Transfer to Antalya Palace: we confirm the pick-up time a day before departure.",
    ):
        assert item in body
    assert "No transfer is booked" not in body
    assert body.rstrip().endswith("Mia Manager\nmia@example.com")


def test_a_plain_client_gets_the_general_checklist(session, manager):
    client = make_client(session, language="en", manager=manager)
    trip = create_trip(session, client, manager, trip_details(), NOW)
    checklist = draft_letter(session, letter_of(trip, "1m"), NOW).checklist
    assert any("No transfer is booked: shall we arrange one" in item for item in checklist)
    assert not any(word in " ".join(checklist) for word in ("Birth", "diet", "Rex", "cot"))


def test_a_big_party_extras_and_meal_habits_add_their_items(session, manager):
    client = make_client(
        session,
        language="en",
        manager=manager,
        preferences=[("meal", "AI"), ("need", "shopping")],
    )
    trip = create_trip(
        session,
        client,
        manager,
        trip_details(adults=4, children=2, extras=("car", "excursions", "visa_support")),
        NOW,
    )
    checklist = " ".join(draft_letter(session, letter_of(trip, "2m"), NOW).checklist)
    assert "Rooms: a party of 6 needs an extra or connecting room" in checklist
    assert "Car hire: bring the driver's licence" in checklist
    assert "Excursions: tell us which you would like" in checklist
    assert "Shopping: leave room in your luggage" in checklist
    assert "Visas: send us scans of the passports" in checklist
    assert "Meals: you usually prefer AI" in checklist


def test_the_three_day_letter_puts_documents_tickets_and_transfer_first(session, manager, family):
    trip = create_trip(session, family, manager, trip_details(), NOW)
    near = draft_letter(session, letter_of(trip, "3d"), NOW).checklist
    far = draft_letter(session, letter_of(trip, "2m"), NOW).checklist
    assert any(item.startswith("Print or save the tickets") for item in near)
    assert not any(item.startswith("Print or save the tickets") for item in far)
    transfer = next(i for i, item in enumerate(near) if item.startswith("Transfer to"))
    diet = next(i for i, item in enumerate(near) if "diet" in item)
    assert transfer < diet
    assert near[0].startswith("Passports")


@pytest.mark.parametrize(
    ("subject", "body", "message"),
    [
        ("Hello", "Dear {{ foo }}", "unknown template variable 'foo' in the body"),
        ("{{ guest.name }}", "Dear you", "unknown template variable 'guest' in the subject"),
        ("Hello", "{% if client.name %}no end", "template syntax error on line 1"),
        ("Hello", "Dear {{ client.name", "template syntax error on line 1"),
        ("Hello", "{{ client.nickname }}", "does not exist: 'dict object' has no attribute"),
        ("Hello", "{{ client.__class__.__mro__ }}", "not allowed"),
        ("Hello", "{{ 'x' * 100000000 }}", "texts longer than 1000 characters are not allowed"),
        # Padding builds its text in one call no time limit stops: refused before it runs.
        ("Hello", "{{ 'a'|center(100000000) }}", "texts longer than 1000 characters"),
        ("Hello", "{{ '%100000000s'|format('a') }}", "texts longer than 1000 characters"),
        ("Hello", "{{ '{:>100000000}'.format('a') }}", "texts longer than 1000 characters"),
        ("Hello", "{{ 'a'|indent(100000000) }}", "texts longer than 1000 characters"),
        ("Hello", "{{ 9 ** 64 ** 64 ** 64 }}", "numbers this large are not allowed"),
        ("", "Dear you", "the subject is empty"),
        ("Hello", "   ", "the body is empty"),
    ],
)
def test_an_invalid_template_is_refused_and_changes_nothing(
    session, manager, subject, body, message
):
    save_template(
        session, "2w", "Edited {{ trip.hotel }}", "Kept {{ client.name }}", manager, language="en"
    )
    session.commit()
    with pytest.raises(LetterError, match=message):
        save_template(session, "2w", subject, body, manager, language="en")
    session.rollback()
    assert row_count(session, LetterTemplate) == 1
    kept = template_for(session, "2w", "en")
    assert (kept.subject, kept.body, kept.edited) == (
        "Edited {{ trip.hotel }}",
        "Kept {{ client.name }}",
        True,
    )


def test_an_admins_template_is_used_until_reset(session, manager, family):
    trip = create_trip(session, family, manager, trip_details(), NOW)
    letter = letter_of(trip, "2w")
    save_template(
        session,
        "2w",
        "{{ letter.label | capitalize }} for {{ client.first_name }}",
        "{{ days_to_departure }} days to {{ trip.hotel }}.\n"
        "{% for item in checklist if 'Rex' in item %}{{ item }}{% endfor %}",
        manager,
        language="en",
    )
    session.commit()
    draft = draft_letter(session, letter, datetime(2030, 9, 6, 9, 0, tzinfo=UTC))
    assert draft.subject == "2-week letter for Olga"
    assert draft.body == (
        "14 days to Antalya Palace.\nArrange care for Rex, your dog, while you are away.\n"
    )
    assert template_keys(session) == ["2m", "1m", "2w", "3d"]

    assert reset_template(session, "2w", language="en") is True
    session.commit()
    assert reset_template(session, "2w", language="en") is False
    assert draft_letter(session, letter, NOW).subject.startswith("Two weeks to your trip")


def test_a_ruler_line_is_still_allowed():
    validate_template("Hi", "{{ '-' * 40 }}\n{{ 2 ** 10 }} {{ 3 * 4 }}", "en")


def test_a_template_for_an_unknown_letter_is_refused(session, manager):
    with pytest.raises(LetterError, match="there is no letter '5y'"):
        save_template(session, "5y", "Hi", "Body", manager, language="en")


def test_the_sample_context_has_every_documented_variable():
    context = sample_context("3d", language="en")
    assert set(context) == {
        "client",
        "trip",
        "manager",
        "days_to_departure",
        "days_to_departure_text",
        "letter",
        "checklist",
    }
    assert context["days_to_departure"] == 3
    assert context["client"]["children"] == [{"name": "Masha", "age": 6}]
    assert context["letter"] == {"key": "3d", "label": "3-day letter"}


def test_sending_queues_one_mail_and_records_the_letter(session, manager, family, tmp_path):
    trip = create_trip(session, family, manager, trip_details(), NOW)
    letter = letter_of(trip, "2m")
    session.commit()
    sent_at = datetime(2030, 7, 20, 7, 0, tzinfo=UTC)

    message = send_letter(session, letter, manager, sent_at)
    session.commit()

    assert row_count(session, OutboxMessage) == 1
    assert message.to_address == "olga@example.org"
    assert (letter.status, letter.sent_by_id, letter.outbox_id) == ("sent", manager.id, message.id)
    assert letter.sent_at == sent_at
    assert (
        letter.subject
        == message.subject
        == "Antalya, Turkey in two months: let us get ready together"
    )
    assert "Arrange care for Rex" in letter.body
    assert letter.body == message.body

    # A second click, even from a page loaded before the first send, sends nothing.
    with pytest.raises(LetterError, match="already sent"):
        send_letter(session, letter, manager, sent_at)
    session.rollback()
    assert row_count(session, OutboxMessage) == 1

    # The outbox worker delivers it as written.
    report = deliver_due(transport=FolderTransport(tmp_path), now=sent_at + timedelta(seconds=1))
    assert report.sent == 1
    (eml,) = tmp_path.iterdir()
    mail = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert mail["To"] == "olga@example.org"
    assert "Gluten free diet" in mail.get_content()


def test_the_managers_edit_is_what_goes_out(session, manager, family, tmp_path):
    trip = create_trip(session, family, manager, trip_details(), NOW)
    letter = letter_of(trip, "2m")
    session.commit()
    # Sent as typed, never run as a template; the browser's CR LF become plain newlines.
    body = "Dear Olga,\r\n\r\nRex is welcome at the hotel. {{ client.name }}\r\n"

    message = send_letter(session, letter, manager, NOW, subject="  Rex can come too ", body=body)
    session.commit()

    expected = "Dear Olga,\n\nRex is welcome at the hotel. {{ client.name }}\n"
    assert (letter.subject, letter.body) == ("Rex can come too", expected)
    assert (message.subject, message.body) == ("Rex can come too", expected)
    assert (letter.status, letter.outbox_id) == ("sent", message.id)
    deliver_due(transport=FolderTransport(tmp_path), now=NOW + timedelta(seconds=1))
    (eml,) = tmp_path.iterdir()
    mail = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert mail["Subject"] == "Rex can come too"
    assert mail.get_content() == expected


def test_an_edited_subject_keeps_the_drafts_body(session, manager, family):
    trip = create_trip(session, family, manager, trip_details(), NOW)
    letter = letter_of(trip, "2m")
    draft = draft_letter(session, letter, NOW)

    message = send_letter(session, letter, manager, NOW, subject="Our plan for September")

    assert (message.subject, message.body) == ("Our plan for September", draft.body)


@pytest.mark.parametrize(
    ("subject", "body", "field", "message"),
    [
        ("Hello\r\nBcc: all@example.org", None, "subject", "a single line"),
        ("Hello\nthere", None, "subject", "a single line"),
        ("Hello\u2028there", None, "subject", "a single line"),
        ("   ", None, "subject", "the subject is empty"),
        ("x" * 301, None, "subject", "at most 300 characters"),
        (None, "", "body", "the letter's text is empty"),
        (None, " \r\n ", "body", "the letter's text is empty"),
        (None, "x" * 20_001, "body", "at most 20,000 characters \\(it has 20,001\\)"),
    ],
)
def test_an_edit_that_cannot_be_sent_changes_nothing(
    session, manager, family, subject, body, field, message
):
    trip = create_trip(session, family, manager, trip_details(), NOW)
    letter = letter_of(trip, "2m")
    session.commit()
    with pytest.raises(LetterTextError, match=message) as refused:
        send_letter(session, letter, manager, NOW, subject=subject, body=body)
    assert refused.value.field == field
    session.rollback()
    assert row_count(session, OutboxMessage) == 0
    assert (letter.status, letter.subject, letter.body) == ("planned", None, None)


def test_the_longest_edit_is_sent(session, manager, family):
    trip = create_trip(session, family, manager, trip_details(), NOW)
    body = "x" * 20_000
    message = send_letter(session, letter_of(trip, "2m"), manager, NOW, "s" * 300, body)
    assert (len(message.subject), message.body) == (300, body)


def test_two_stale_pages_send_once(session, manager, family, db_url):
    from sqlalchemy.orm import Session

    from models.db import get_engine

    trip = create_trip(session, family, manager, trip_details(), NOW)
    letter_id = letter_of(trip, "2m").id
    session.commit()
    with Session(get_engine(db_url)) as other:
        stale = find_letter(other, letter_id)  # loaded while still planned
        send_letter(session, find_letter(session, letter_id), manager, NOW)
        session.commit()
        with pytest.raises(LetterError, match="already sent"):
            send_letter(other, stale, manager, NOW)
        other.rollback()
    assert row_count(session, OutboxMessage) == 1


def test_a_client_without_email_cannot_be_written_to(session, manager):
    client = make_client(session, language="en", manager=manager, email=None, name="Ivan Nomail")
    trip = create_trip(session, client, manager, trip_details(), NOW)
    letter = letter_of(trip, "2m")
    session.commit()
    with pytest.raises(LetterError, match="Ivan Nomail has no e-mail address"):
        send_letter(session, letter, manager, NOW)
    session.rollback()
    assert row_count(session, OutboxMessage) == 0
    assert (letter.status, letter.sent_at, letter.subject) == ("planned", None, None)


def test_a_template_failing_for_this_client_sends_nothing(session, manager):
    client = make_client(session, language="en", manager=manager)  # no children
    trip = create_trip(session, client, manager, trip_details(), NOW)
    save_template(session, "2m", "Hi", "For {{ client.children[0].name }}", manager, language="en")
    session.commit()
    with pytest.raises(LetterError, match="does not exist"):
        send_letter(session, letter_of(trip, "2m"), manager, NOW)
    session.rollback()
    assert row_count(session, OutboxMessage) == 0


def test_skipped_and_cancelled_letters_are_not_sent(session, manager, family):
    late = create_trip(
        session,
        family,
        manager,
        trip_details(departure_date=date(2030, 7, 1), return_date=date(2030, 7, 8)),
        NOW,
    )
    with pytest.raises(LetterError, match="skipped"):
        send_letter(session, letter_of(late, "2m"), manager, NOW)
    cancel_trip(session, late, manager, NOW)
    with pytest.raises(LetterError, match="cancelled with its trip"):
        send_letter(session, letter_of(late, "3d"), manager, NOW)
    assert row_count(session, OutboxMessage) == 0


def test_sending_due_letters_sends_only_those_due(session, manager, family):
    other = make_user(session, "sam@example.com", name="Sam Second")
    nomail = make_client(session, language="en", manager=manager, email=None, name="Ivan Nomail")
    created = datetime(2030, 6, 1, 9, 0, tzinfo=UTC)
    # Departs 20 Sep: 2m due 20 Jul (overdue on 22 Jul), 1m due 20 Aug (not yet).
    mine = create_trip(session, family, manager, trip_details(), created)
    # Departs 22 Aug, booked 25 Jun: 2m (22 Jun) skipped, 1m due 22 Jul, today.
    theirs = create_trip(
        session,
        make_client(
            session, language="en", manager=other, name="Pavel Other", email="pavel@example.org"
        ),
        other,
        trip_details(departure_date=date(2030, 8, 22), return_date=date(2030, 8, 29)),
        datetime(2030, 6, 25, 9, 0, tzinfo=UTC),
    )
    cancelled = create_trip(session, family, manager, trip_details(), created)
    cancel_trip(session, cancelled, manager, created)
    without_email = create_trip(session, nomail, manager, trip_details(), created)
    session.commit()
    now = datetime(2030, 7, 22, 6, 0, tzinfo=UTC)

    rows = due_letters(session, date(2030, 7, 22))
    # The labels in the back office's language (the agency's default, Russian).
    assert [(row.client_name, row.label, row.days_overdue) for row in rows] == [
        ("Olga Petrova", "письмо за 2 месяца", 2),
        ("Ivan Nomail", "письмо за 2 месяца", 2),
        ("Pavel Other", "письмо за 1 месяц", 0),
    ]
    assert [row.client_name for row in due_letters(session, date(2030, 7, 22), other)] == [
        "Pavel Other"
    ]

    assert send_due_letters(session, now) == 2
    session.commit()

    assert letter_of(mine, "2m").status == "sent"
    assert letter_of(mine, "2m").sent_by_id is None  # sent automatically
    assert letter_of(mine, "1m").status == "planned"
    assert letter_of(theirs, "1m").status == "sent"
    assert letter_of(without_email, "2m").status == "planned"  # left for its manager
    assert {letter.status for letter in cancelled.letters} == {"cancelled"}
    assert sorted(session.scalars(select(OutboxMessage.to_address))) == [
        "olga@example.org",
        "pavel@example.org",
    ]
    assert send_due_letters(session, now) == 0
    assert [row.client_name for row in due_letters(session, date(2030, 7, 22))] == ["Ivan Nomail"]


@pytest.mark.parametrize(
    ("habit", "asks_for_a_change"),
    [("all inclusive", False), ("AI", False), ("half board", True)],
)
def test_the_meal_habit_is_compared_with_the_board_sold(session, manager, habit, asks_for_a_change):
    lead = make_lead(session, status="won", assigned_to=manager, snapshot={"meal": "AI"})
    client = make_client(session, language="en", manager=manager, preferences=[("meal", habit)])
    lead.client = client
    trip = create_trip_from_lead(session, lead, manager, trip_details(), NOW)

    checklist = draft_letter(session, letter_of(trip, "1m"), NOW).checklist
    change = [item for item in checklist if "change of board" in item]
    if asks_for_a_change:
        assert change == [
            "You usually prefer half board; this tour is all inclusive. "
            "Shall we ask about a change of board?"
        ]
    else:
        assert change == []


# --- letters in the client's language ----------------------------------------------------


@pytest.fixture
def russian_family(session, manager):
    """A Russian client: a child, a dog called Рекс, who needs a transfer."""
    return make_client(
        session,
        name="Ольга Петрова",
        email="olga.petrova@example.org",
        manager=manager,
        language="ru",
        children=[date(2029, 5, 1)],
        preferences=[("pet", "собака", "Рекс"), ("need", "transfer"), ("habit", "некурящий")],
    )


def russian_trip(session, client, manager, **changes):
    details = trip_details(
        destination="Анталья, Турция",
        adults=2,
        children=1,
        price=Decimal("95000.00"),
        currency="RUB",
        **changes,
    )
    return create_trip(session, client, manager, details, NOW)


def test_a_russian_clients_two_week_letter_is_in_russian(session, manager, russian_family):
    trip = russian_trip(session, russian_family, manager)
    draft = draft_letter(session, letter_of(trip, "2w"), NOW)

    assert draft.subject == "Две недели до поездки: Анталья, Турция"
    body = draft.body
    assert body.startswith("Здравствуйте, Ольга!\n")
    # The date spelt as Russians read it, the money by CLDR's Russian pattern (non-breaking
    # spaces), and the plurals of the nights and the party.
    assert (
        "Через две недели, 20 сентября 2030, вы отправляетесь в Antalya Palace с туроператором "
        "SunCoast Tours: 7 ночей, 2 взрослых + 1 ребёнок, стоимость тура 95\xa0000\xa0₽." in body
    )
    for item in (
        "- Загранпаспорта всех путешественников, действительные не меньше 6 месяцев после "
        "возвращения 27 сентября 2030.",
        "- Трансфер до Antalya Palace: время встречи подтвердим за день до вылета.",
        "- Детская кроватка в номер для малыша: попросим отель.",
        "- Позаботьтесь о том, кто присмотрит за питомцем (собака, Рекс), пока вас не будет.",
        "- Номер для некурящих: попросим отель.",
    ):
        assert item in body
    assert body.rstrip().endswith("С уважением,\nMia Manager\nmia@example.com")
    for english in ("Dear", "Passports", "Sep", "nights", "adults", "RUB"):
        assert english not in body


@pytest.mark.parametrize(
    ("nights", "adults", "children", "expected"),
    [
        (1, 1, 0, "1 ночь, 1 взрослый"),
        (3, 2, 2, "3 ночи, 2 взрослых + 2 ребёнка"),
        (21, 5, 5, "21 ночь, 5 взрослых + 5 детей"),
    ],
)
def test_russian_letters_use_the_plural_forms(
    session, manager, russian_family, nights, adults, children, expected
):
    trip = russian_trip(session, russian_family, manager, nights=nights)
    trip.adults, trip.children = adults, children
    body = draft_letter(session, letter_of(trip, "2w"), NOW).body
    assert f"SunCoast Tours: {expected}, стоимость тура" in body


def test_an_english_clients_letter_stays_english(session, manager, family):
    trip = create_trip(session, family, manager, trip_details(children=1), NOW)
    draft = draft_letter(session, letter_of(trip, "2m"), NOW)

    assert draft.subject == "Antalya, Turkey in two months: let us get ready together"
    assert draft.body.startswith("Dear Olga,\n")
    assert "(7 nights, 2 adults + 1 child)" in draft.body
    assert "you leave on 20 Sep 2030 and come back on 27 Sep 2030" in draft.body
    assert "Здравствуйте" not in draft.body and "ночей" not in draft.body


def test_editing_the_russian_template_changes_only_russian_letters(
    session, manager, family, russian_family
):
    russian = letter_of(russian_trip(session, russian_family, manager), "2w")
    english = letter_of(create_trip(session, family, manager, trip_details(), NOW), "2w")
    save_template(
        session,
        "2w",
        "Скоро в путь, {{ client.first_name }}",
        "Осталось {{ days_to_departure_text }}: {{ trip.departure }}.",
        manager,
        language="ru",
    )
    session.commit()

    assert template_for(session, "2w", "ru").edited
    assert not template_for(session, "2w", "en").edited
    draft = draft_letter(session, russian, NOW)
    assert (draft.subject, draft.body) == (
        "Скоро в путь, Ольга",
        "Осталось 92 дня: 20 сентября 2030.\n",
    )
    assert (
        draft_letter(session, english, NOW).subject == "Two weeks to your trip to Antalya, Turkey"
    )

    assert reset_template(session, "2w", language="en") is False  # nothing English to reset
    assert reset_template(session, "2w", language="ru") is True
    assert draft_letter(session, russian, NOW).subject == "Две недели до поездки: Анталья, Турция"


def test_a_template_in_a_language_we_do_not_write_is_refused(session, manager):
    with pytest.raises(LetterError, match="no letters in 'de'"):
        save_template(
            session, "2w", "Hallo", "Liebe {{ client.first_name }}", manager, language="de"
        )
    assert row_count(session, LetterTemplate) == 0


def test_the_preview_of_the_russian_template_is_in_russian():
    context = sample_context("2w", language="ru")
    assert context["client"]["first_name"] == "Ольга"
    assert context["trip"]["departure"] == "1 июня 2030"
    assert context["trip"]["nights_text"] == "7 ночей"
    assert context["trip"]["party"] == "2 взрослых + 1 ребёнок"
    assert context["trip"]["total"] == "2\xa0400\xa0€"
    assert context["trip"]["extras"] == ["туристическая страховка"]
    assert context["letter"]["label"] == "письмо за 2 недели"
