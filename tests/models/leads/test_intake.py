"""How a re-check's reading of the operator's page becomes the lead's answer."""

from decimal import Decimal

import pytest

from models.leads.intake import judge_recheck
from models.leads.records import RecheckStatus


@pytest.mark.parametrize(
    ("outcome", "price", "currency", "status"),
    [
        ("found", "1234", "EUR", RecheckStatus.AVAILABLE),
        ("found", "1234.90", "EUR", RecheckStatus.AVAILABLE),  # the page rounds to units
        ("found", "1236", "EUR", RecheckStatus.CHANGED),
        ("found", "990", "EUR", RecheckStatus.CHANGED),
        ("found", "1234", "USD", RecheckStatus.CHANGED),  # another currency: not the same price
        ("found", None, None, RecheckStatus.NO_ANSWER),  # no price on the page
        ("gone", None, None, RecheckStatus.GONE),
        ("no_answer", None, None, RecheckStatus.NO_ANSWER),
    ],
)
def test_the_answer_from_the_page_and_the_price_the_visitor_saw(outcome, price, currency, status):
    found = Decimal(price) if price is not None else None
    assert judge_recheck(outcome, found, currency, Decimal("1234.00"), "EUR") is status


def test_a_new_lead_is_announced_to_the_roles_that_work_leads(session):
    from models.leads.intake import notification_recipients
    from tests.factories import make_user

    for role in ("cold_caller", "sales", "account_manager", "manager", "admin"):
        make_user(session, f"{role}@example.com", role=role)
    session.commit()
    recipients = notification_recipients(session, [], "noreply@example.com")
    assert recipients == ["sales@example.com", "manager@example.com", "admin@example.com"]
