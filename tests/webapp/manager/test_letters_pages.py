"""Letters due on the dashboard and the letters page, a draft and sending it, and the
admins' template editor."""

import re
from datetime import timedelta
from html import escape, unescape

import pytest
from sqlalchemy import func, select

from models.agency_time import agency_today
from models.base import utcnow
from models.care.trip_workflow import create_trip
from models.care.trips import LetterTemplate, TripLetter
from models.leads.records import OutboxMessage
from tests.factories import make_client, make_user, row_count, trip_details
from tests.webapp.manager.conftest import HTML, post_form
from tests.webapp.pages import main_text
from webapp import csrf


def outbox_rows(session) -> int:
    return row_count(session, OutboxMessage)


def book(session, client, manager, days_ahead: int):
    """A trip departing `days_ahead` agency days from today, booked a week ago."""
    departure = agency_today(utcnow()) + timedelta(days=days_ahead)
    details = trip_details(departure, extras=("transfer",))
    return create_trip(session, client, manager, details, utcnow() - timedelta(days=7))


def letter(trip, key: str) -> TripLetter:
    return next(row for row in trip.letters if row.template_key == key)


def textarea(html: str) -> str:
    """The letter's body as the page's textarea holds it (a browser drops the first newline)."""
    match = re.search(r'<textarea id="body"[^>]*>\n?(.*?)</textarea>', html, flags=re.S)
    assert match, "the page has no letter body to edit"
    return unescape(match.group(1))


@pytest.fixture
def due(session, manager):
    """Olga's 2-week letter is due today; Pavel's (another manager's) 3-day letter is two
    days overdue; Ivan's letters are all weeks away."""
    other = make_user(session, "sam@example.com", name="Sam Second")
    olga = make_client(
        session,
        name="Olga Petrova",
        manager=manager,
        language="en",
        preferences=[("pet", "dog", "Rex"), ("dietary", "gluten free")],
    )
    pavel = make_client(
        session, name="Pavel Other", email="pavel@example.org", manager=other, language="en"
    )
    ivan = make_client(
        session, name="Ivan Later", email="ivan@example.org", manager=manager, language="en"
    )
    trips = {
        "olga": book(session, olga, manager, 14),
        "pavel": book(session, pavel, other, 1),
        "ivan": book(session, ivan, manager, 120),
    }
    session.commit()
    return trips


def test_the_dashboard_lists_my_letters_due(as_manager, due):
    page = as_manager.get("/manager", headers=HTML)
    text = main_text(page.text)
    assert "Letters due (1)" in text
    assert "write to Olga Petrova: 2-week letter due today" in text
    assert f'href="/manager/letters/{letter(due["olga"], "2w").id}"' in page.text
    assert "Pavel Other" not in text


def test_the_letters_page_shows_mine_or_all(as_manager, due):
    mine = main_text(as_manager.get("/manager/letters", headers=HTML).text)
    assert "Olga Petrova 2-week letter" in mine
    assert "due today" in mine
    assert "Pavel" not in mine and "Ivan" not in mine

    every = main_text(as_manager.get("/manager/letters?manager=all", headers=HTML).text)
    assert every.index("Pavel Other 3-day letter") < every.index("Olga Petrova 2-week letter")
    assert "2 days overdue" in every
    assert "Sam Second" in every
    assert "Ivan" not in every

    bad = as_manager.get("/manager/letters?manager=everyone", headers=HTML)
    assert bad.status_code == 422
    assert "choose whose letters to show" in main_text(bad.text)


def test_a_draft_shows_the_letter_and_its_checklist(as_manager, due):
    page = as_manager.get(f"/manager/letters/{letter(due['olga'], '2w').id}", headers=HTML)
    assert page.status_code == 200
    text = main_text(page.text)
    assert "2-week letter to Olga Petrova" in text
    # The draft is in fields the manager may edit before sending.
    assert 'name="subject" maxlength="300" required value="Two weeks to your trip to Antalya, ' in (
        page.text
    )
    body = textarea(page.text)
    assert body.startswith("Dear Olga,")
    assert "- Arrange care for Rex, your dog, while you are away." in body
    # The checklist stays on the page beside it.
    checklist = text.split("Checklist for this client")[1]
    assert "Arrange care for Rex, your dog, while you are away." in checklist
    assert "Gluten free diet: we tell the hotel before you arrive." in checklist
    assert "Send to Olga Petrova" in text


def test_sending_a_letter_once(as_manager, session, due, manager):
    draft = letter(due["olga"], "2w")
    url = f"/manager/letters/{draft.id}"
    response = post_form(as_manager, f"{url}/send", {}, page=url)
    assert (response.status_code, response.headers["location"]) == (303, f"{url}?done=sent")
    assert outbox_rows(session) == 1
    session.expire_all()
    sent = session.get(TripLetter, draft.id)
    assert (sent.status, sent.sent_by_id) == ("sent", manager.id)
    # No subject or body in the form (an old page, a script): the draft goes as rendered.
    mail = session.scalars(select(OutboxMessage)).one()
    assert mail.subject == sent.subject == "Two weeks to your trip to Antalya, Turkey"
    assert mail.body == sent.body and "Arrange care for Rex, your dog" in mail.body

    page = main_text(as_manager.get(f"{url}?done=sent", headers=HTML).text)
    assert "The letter is sent" in page
    assert "As sent" in page and "by Mia Manager" in page
    assert "Olga Petrova" not in main_text(as_manager.get("/manager", headers=HTML).text)

    again = post_form(as_manager, f"{url}/send", {}, page=url)
    assert again.status_code == 409
    assert "this letter was already sent" in main_text(again.text)
    assert outbox_rows(session) == 1


def test_the_manager_edits_the_draft_before_sending(as_manager, session, due):
    draft = letter(due["olga"], "2w")
    url = f"/manager/letters/{draft.id}"
    body = textarea(as_manager.get(url, headers=HTML).text)
    edited = body.replace("Dear Olga,", "Dear Olga,\n\nRex is welcome <b>too</b>!")
    # As a browser submits a textarea: with CR LF line ends.
    typed = {"subject": "Two weeks to go, Olga", "body": edited.replace("\n", "\r\n")}
    response = post_form(as_manager, f"{url}/send", typed, page=url)
    assert (response.status_code, response.headers["location"]) == (303, f"{url}?done=sent")

    session.expire_all()
    sent = session.get(TripLetter, draft.id)
    mail = session.scalars(select(OutboxMessage)).one()
    assert mail.subject == sent.subject == "Two weeks to go, Olga"
    assert mail.body == sent.body == edited
    assert "Dear Olga,\n\nRex is welcome <b>too</b>!\n" in mail.body
    page = as_manager.get(f"{url}?done=sent", headers=HTML)
    assert "Subject: Two weeks to go, Olga" in main_text(page.text)
    assert "Rex is welcome &lt;b&gt;too&lt;/b&gt;!" in page.text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"subject": "Hello\r\nBcc: all@example.org", "body": "Dear Olga, <typed> by hand"},
            "the subject must be a single line",
        ),
        ({"subject": "", "body": "Dear Olga, <typed> by hand"}, "the subject is empty"),
        ({"subject": "Hi <Olga>", "body": ""}, "the letter's text is empty"),
        (
            {"subject": "Hi <Olga>", "body": "Dear Olga, <typed> by hand" + "x" * 19_975},
            "the letter's text must be at most 20,000 characters (it has 20,001)",
        ),
    ],
)
def test_an_edit_that_cannot_be_sent_is_shown_again(as_manager, session, due, fields, message):
    draft = letter(due["olga"], "2w")
    url = f"/manager/letters/{draft.id}"
    response = post_form(as_manager, f"{url}/send", fields, page=url)
    assert response.status_code == 422
    assert message in main_text(response.text)
    # What was typed is kept, escaped, in the fields it was typed in.
    assert f'value="{escape(fields["subject"])}"' in response.text
    assert textarea(response.text) == fields["body"]
    assert "Send to Olga Petrova" in main_text(response.text)
    assert outbox_rows(session) == 0
    session.expire_all()
    assert session.get(TripLetter, draft.id).status == "planned"


def test_a_client_without_email_is_told_on_the_page(as_manager, session, manager):
    client = make_client(session, name="Ivan Nomail", email=None, manager=manager, language="en")
    trip = book(session, client, manager, 3)
    session.commit()
    url = f"/manager/letters/{letter(trip, '3d').id}"
    response = post_form(as_manager, f"{url}/send", {}, page=url)
    assert response.status_code == 409
    assert "Ivan Nomail has no e-mail address" in main_text(response.text)
    assert outbox_rows(session) == 0


def test_sending_needs_a_csrf_token(as_manager, session, due):
    url = f"/manager/letters/{letter(due['olga'], '2w').id}/send"
    assert as_manager.post(url, data={}, headers=HTML).status_code == 403
    assert as_manager.post(url, data={csrf.FIELD: "forged"}, headers=HTML).status_code == 403
    assert outbox_rows(session) == 0


def test_an_unknown_letter_is_a_404(as_manager):
    assert as_manager.get("/manager/letters/999", headers=HTML).status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/manager/templates"),
        ("GET", "/manager/templates/2w"),
        ("POST", "/manager/templates/2w"),
        ("POST", "/manager/templates/2w/reset"),
    ],
)
def test_templates_are_for_admins_only(as_manager, session, method, path):
    if method == "POST":
        response = post_form(as_manager, path, {"subject": "Hi", "body": "There"})
    else:
        response = as_manager.get(path, headers=HTML)
    assert response.status_code == 403
    assert "for admins only" in response.text
    assert session.scalar(select(func.count()).select_from(LetterTemplate)) == 0


def test_an_admin_edits_previews_and_resets_a_template(as_admin, session):
    listing = main_text(as_admin.get("/manager/templates", headers=HTML).text)
    # Each letter in each language: the Russian and the English default.
    assert (
        "2-week letter (2w) Две недели до поездки: {{ trip.destination or trip.hotel }} default "
        "Two weeks to your trip to {{ trip.destination or trip.hotel }} default"
    ) in listing
    table = listing.split("Letter Русский English")[1]
    assert table.count(" default") == 8 and "edited" not in table

    # The editor opens in the admin's language.
    url = "/manager/templates/2w"
    editor = as_admin.get(url, headers=HTML)
    text = main_text(editor.text)
    assert "Preview with a sample client" in text
    assert "Arrange care for Rex, your dog, while you are away." in text  # the sample family
    assert "days_to_departure" in text and "checklist" in text  # the variables, documented

    saved = post_form(
        as_admin,
        url,
        {"subject": "For {{ client.first_name }}", "body": "{{ letter.label }}: hello"},
        page=url,
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{url}?language=en&done=saved"
    page = main_text(as_admin.get(f"{url}?language=en&done=saved", headers=HTML).text)
    assert "The template is saved" in page
    assert "Subject: For Olga" in page and "2-week letter: hello" in page
    assert (
        "2-week letter (2w) Две недели до поездки: {{ trip.destination or trip.hotel }} default "
        "For {{ client.first_name }} edited"
    ) in main_text(as_admin.get("/manager/templates", headers=HTML).text)

    reset = post_form(as_admin, f"{url}/reset", {}, page=url)
    assert reset.status_code == 303
    assert reset.headers["location"] == f"{url}?language=en&done=reset"
    assert session.scalar(select(func.count()).select_from(LetterTemplate)) == 0


def test_a_draft_is_previewed_before_it_is_saved(as_admin, session):
    """The "Preview without saving" button shows the draft on the sample client, keeps it in the
    editor and changes nothing clients get (issue 15, bug 8)."""
    url = "/manager/templates/2w"
    draft = {"subject": "Draft for {{ client.first_name }}", "body": "{{ letter.label }}: soon"}
    shown = post_form(as_admin, url, {**draft, "intent": "preview"}, page=url)

    assert shown.status_code == 200
    text = main_text(shown.text)
    assert "Not saved yet: this is your draft." in text
    assert "Subject: Draft for Olga" in text and "2-week letter: soon" in text
    assert "Draft for {{ client.first_name }}" in shown.text  # still in the editor
    assert session.scalar(select(func.count()).select_from(LetterTemplate)) == 0
    saved_page = main_text(as_admin.get(f"{url}?language=en", headers=HTML).text)
    assert "Draft for" not in saved_page and "default text" in saved_page


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Dear {{ client.name }}, {{ foo }}", "unknown template variable 'foo' in the body"),
        ("Dear {% for x in checklist %}", "template syntax error on line 1"),
    ],
)
def test_an_invalid_template_is_shown_with_the_text_kept(as_admin, session, body, message):
    url = "/manager/templates/2w"
    response = post_form(as_admin, url, {"subject": "Hi <there>", "body": body}, page=url)
    assert response.status_code == 422
    text = main_text(response.text)
    assert message in text
    assert 'value="Hi &lt;there&gt;"' in response.text
    assert "Preview with a sample client" not in text
    assert session.scalar(select(func.count()).select_from(LetterTemplate)) == 0


def test_an_unknown_template_is_a_404(as_admin):
    assert as_admin.get("/manager/templates/9y", headers=HTML).status_code == 404


def test_the_editor_switches_to_the_russian_letter_and_saves_only_it(as_admin, session):
    english = main_text(as_admin.get("/manager/templates/2w", headers=HTML).text)
    assert "Language of the letter: Русский | English" in english
    assert "Two weeks to your trip to" in english

    url = "/manager/templates/2w?language=ru"
    editor = as_admin.get(url, headers=HTML)
    text = main_text(editor.text)
    assert 'value="Две недели до поездки: {{ trip.destination or trip.hotel }}"' in editor.text
    # The preview is the Russian sample family's letter, with Russian dates and plurals.
    assert "Здравствуйте, Ольга!" in text and "1 июня 2030" in text and "7 ночей" in text

    saved = post_form(
        as_admin,
        url,
        {"subject": "Скоро в путь, {{ client.first_name }}", "body": "{{ letter.label }}"},
        page=url,
    )
    assert saved.headers["location"] == "/manager/templates/2w?language=ru&done=saved"
    page = main_text(as_admin.get(saved.headers["location"], headers=HTML).text)
    assert "Subject: Скоро в путь, Ольга" in page and "письмо за 2 недели" in page
    [row] = session.scalars(select(LetterTemplate)).all()
    assert (row.key, row.language) == ("2w", "ru")
    # The English letter is still the default.
    assert "Two weeks to your trip to" in main_text(
        as_admin.get("/manager/templates/2w?language=en", headers=HTML).text
    )


def test_a_template_language_we_do_not_write_is_a_404(as_admin, session):
    assert as_admin.get("/manager/templates/2w?language=de", headers=HTML).status_code == 404
    url = "/manager/templates/2w?language=de"
    response = post_form(as_admin, url, {"subject": "Hallo", "body": "Hallo"}, page="/manager")
    assert response.status_code == 404
    assert row_count(session, LetterTemplate) == 0


def test_a_russian_clients_draft_is_in_russian(as_manager, session, manager):
    client = make_client(session, name="Ольга Петрова", manager=manager, language="ru")
    trip = book(session, client, manager, 14)
    session.commit()
    page = as_manager.get(f"/manager/letters/{letter(trip, '2w').id}", headers=HTML)
    assert page.status_code == 200
    assert "Здравствуйте, Ольга!" in textarea(page.text)
    assert "Трансфер до Antalya Palace" in textarea(page.text)
