"""One rule for e-mail addresses and phone numbers, wherever they are typed.

Before, accounts, client records and the lead form each had their own pattern: the client
record took "olga@mail.r" and an account took "<olga>@mail.ru", which the lead form and
the mail headers refuse.
"""

import pytest
from pydantic import ValidationError

from models.accounts.auth import AccountError, normalize_email
from models.contact import is_email, is_phone
from webapp.forms.client_form import read_client_form
from webapp.lead_form import LeadFormInput, validate

# Spellings seen in real Russian agencies' client lists.
GOOD_EMAILS = ["olga.petrova@mail.ru", "IVANOV_1985@Yandex.RU", "anna+tours@gmail.com"]
BAD_EMAILS = ["olga@mail.r", "<olga>@mail.ru", "olga@mail.ru, ivan@mail.ru", "olga@mailru"]


def _lead_form_refuses_email(email: str) -> bool:
    form = LeadFormInput(
        values={
            "name": "Olga",
            "phone": "",
            "email": email,
            "contact_time": "",
            "wishes": "",
            "offer_id": "",
            "search_query": "",
        },
        consent=True,
    )
    return "email" in validate(form)


def _client_record_refuses_email(email: str) -> bool:
    try:
        read_client_form({"name": ["Olga"], "email": [email], "adults": ["2"]})
    except ValidationError:
        return True
    return False


def _account_refuses_email(email: str) -> bool:
    try:
        normalize_email(email)
    except AccountError:
        return True
    return False


@pytest.mark.parametrize("email", GOOD_EMAILS + BAD_EMAILS)
def test_every_form_agrees_on_an_email_address(email):
    refused = email in BAD_EMAILS
    assert is_email(email) is not refused
    assert _lead_form_refuses_email(email) is refused
    assert _client_record_refuses_email(email) is refused
    assert _account_refuses_email(email) is refused


@pytest.mark.parametrize(
    ("phone", "visitor", "local"),
    [
        ("+7 (912) 345-67-89", True, True),
        ("8 912 345 67 89", True, True),
        ("2-34-56", False, True),  # a small town's landline: fine in a record, not on the web
        ("call me", False, False),
        ("+7 912 345 67 89 12345", False, False),  # more than E.164's 15 digits
    ],
)
def test_a_phone_number_needs_seven_digits_from_a_visitor_and_five_from_a_manager(
    phone, visitor, local
):
    assert is_phone(phone) is visitor
    assert is_phone(phone, min_digits=5) is local
