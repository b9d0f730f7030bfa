"""Price alerts end to end: the form, the mails through the outbox (to the mail folder and
to a real SMTP server), the signed links."""

import email
import email.policy
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CrawlRun, Offer, PriceAlert
from models.alerts.workflow import queue_price_alert_digests
from models.base import utcnow
from models.crawls.ingest import land_staged_offers, stage_offers
from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)
from tests.ports import free_port
from tests.webapp.pages import main_text
from tests.webapp.test_leads import hidden
from tourscope.workers.outbox import FolderTransport, SmtpTransport, deliver_due
from webapp import csrf

STAGED = [
    "operator_id", "hotel_id", "country_id", "resort_id", "stars", "departure_city_id",
    "departure_date", "nights", "meal", "room_type", "adults", "children", "price",
    "surcharge", "currency", "price_base", "availability", "url",
]  # fmt: skip


@pytest.fixture
def palace_offer(session: Session) -> Offer:
    """One offer of Antalya Palace at 1000 EUR, on sale for two days already."""
    resort = make_resort(session, make_country(session, "TR", "Turkey"), "Antalya")
    hotel = make_hotel(session, resort, "Antalya Palace", 5)
    city = make_departure_city(session, "MOW", "Moscow")
    operator = make_operator(session, "suncoast", "SunCoast Tours")
    offer = make_offer(session, operator=operator, hotel=hotel, departure_city=city, price="1000")
    offer.first_seen_at = utcnow() - timedelta(days=2)
    session.commit()
    return offer


def land_price(session: Session, offer: Offer, price: str) -> None:
    """A crawl of the offer's operator that sees it at `price`, landed."""
    run = CrawlRun(operator_id=offer.operator_id, started_at=utcnow(), stats={})
    session.add(run)
    session.flush()
    row = {name: getattr(offer, name) for name in STAGED}
    row.update(crawl_run_id=run.id, offer_key=offer.offer_key, price=Decimal(price))
    row["price_base"] = Decimal(price)
    stage_offers(session, [row])
    land_staged_offers(session, offer.operator_id, run.id, utcnow())
    session.commit()


class Mailbox:
    """The folder transport's .eml files, read in the order they were sent."""

    def __init__(self, directory: Path) -> None:
        self.transport = FolderTransport(directory)
        self.seen: set[Path] = set()

    def deliver(self) -> list[email.message.EmailMessage]:
        deliver_due(transport=self.transport)
        new = sorted(set(self.transport.directory.glob("*.eml")) - self.seen)
        self.seen |= set(new)
        return [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in new
        ]


class SmtpMailbox:
    """A real local SMTP server (aiosmtpd); the outbox sends to it over SMTP."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())
        self.controller.start()
        self.transport = SmtpTransport("127.0.0.1", self.controller.port, starttls=False)
        self.read = 0

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.content)
        return "250 Message accepted for delivery"

    def deliver(self) -> list[email.message.EmailMessage]:
        deliver_due(transport=self.transport)
        new, self.read = self.received[self.read :], len(self.received)
        return [email.message_from_bytes(data, policy=email.policy.default) for data in new]


@pytest.fixture(params=["folder", "smtp"])
def any_mailbox(request, tmp_path):
    """The demo's mail folder, and a real SMTP server."""
    if request.param == "folder":
        yield Mailbox(tmp_path)
        return
    mailbox = SmtpMailbox()
    yield mailbox
    mailbox.controller.stop()


def body(message) -> str:
    return message.get_content()


def link(text: str, kind: str) -> str:
    return re.search(rf"http://[^/\s]+(/alerts/{kind}/\S+)", text)[1]


def subscribe(client, hotel_id, email_address="ann@example.com", query="country=TR"):
    form = client.get(f"/alerts/new?{query}&hotel_id={hotel_id}").text
    return client.post(
        "/alerts/new",
        data={
            "email": email_address,
            "search_query": hidden(form, "search_query"),
            "hotel_id": str(hotel_id),
            csrf.FIELD: hidden(form, csrf.FIELD),
        },
    )


def test_subscribe_confirm_a_landing_lowers_the_price_digest_unsubscribe(
    client, session, palace_offer, any_mailbox
):
    mailbox = any_mailbox
    hotel_page = client.get(f"/hotels/{palace_offer.hotel_id}?country=TR").text
    assert f'href="/alerts/new?country=TR&amp;hotel_id={palace_offer.hotel_id}"' in hotel_page

    answer = subscribe(client, palace_offer.hotel_id)

    assert answer.status_code == 200
    assert "Check your mail" in main_text(answer.text)
    [confirmation] = mailbox.deliver()
    assert confirmation["To"] == "ann@example.com"
    assert confirmation["Subject"] == "Confirm your price alert"
    assert "Antalya Palace, departing" in body(confirmation)
    land_price(session, palace_offer, "800")
    assert queue_price_alert_digests(session) == 0  # not confirmed yet: nothing is sent

    confirmed = client.get(link(body(confirmation), "confirm"))

    assert confirmed.status_code == 200
    assert "Your price alert is on" in main_text(confirmed.text)
    land_price(session, palace_offer, "980")  # 2% off: under the 5% threshold
    assert queue_price_alert_digests(session) == 0
    land_price(session, palace_offer, "900")
    assert queue_price_alert_digests(session) == 1
    session.commit()
    assert queue_price_alert_digests(session) == 0  # the same drop is told once
    [digest] = mailbox.deliver()
    text = body(digest)
    assert digest["Subject"] == "1 offer got cheaper"
    assert "Antalya Palace, departing" in text
    assert "€1,000 → €900" in text
    assert re.search(rf"http://\S+/hotels/{palace_offer.hotel_id}\?country=TR&date_from=", text)

    stopped = client.get(link(text, "unsubscribe"))

    assert stopped.status_code == 200
    assert "You are unsubscribed" in main_text(stopped.text)
    land_price(session, palace_offer, "700")
    assert queue_price_alert_digests(session) == 0


def test_the_per_address_limit_refuses_with_a_form_error(
    client, session, palace_offer, monkeypatch
):
    monkeypatch.setenv("TOURSCOPE_PRICE_ALERT_LIMIT_PER_DAY", "2")
    from tourscope.foundation.settings import get_settings

    get_settings.cache_clear()
    assert subscribe(client, palace_offer.hotel_id).status_code == 200
    assert subscribe(client, palace_offer.hotel_id, "ANN@example.com").status_code == 200

    refused = subscribe(client, palace_offer.hotel_id)

    assert refused.status_code == 429
    assert "as many alerts as it may today" in main_text(refused.text)
    assert 'value="ann@example.com"' in refused.text
    assert len(session.scalars(select(PriceAlert)).all()) == 2
    assert subscribe(client, palace_offer.hotel_id, "bob@example.com").status_code == 200


def test_a_bad_address_or_a_missing_token_is_refused_on_the_form(client, palace_offer):
    assert subscribe(client, palace_offer.hotel_id, "not an address").status_code == 422
    refused = client.post("/alerts/new", data={"email": "ann@example.com"})
    assert refused.status_code == 403
    assert "expired" in main_text(refused.text)


def test_expired_alerts_send_nothing(client, session, palace_offer, tmp_path):
    mailbox = Mailbox(tmp_path)
    subscribe(client, palace_offer.hotel_id)
    [confirmation] = mailbox.deliver()
    client.get(link(body(confirmation), "confirm"))
    alert = session.scalars(select(PriceAlert)).one()
    alert.expires_on = utcnow().date() - timedelta(days=2)
    session.commit()

    land_price(session, palace_offer, "500")

    assert queue_price_alert_digests(session) == 0
    assert mailbox.deliver() == []


@pytest.mark.parametrize(
    "path",
    [
        "/alerts/confirm/1.AAAA",
        "/alerts/confirm/1." + "A" * 43,
        "/alerts/unsubscribe/99999999999." + "A" * 43,
        "/alerts/unsubscribe/" + "x" * 300,
        "/alerts/confirm/%00",
    ],
)
def test_bad_links_are_a_404_page(client, path):
    answer = client.get(path)

    assert answer.status_code == 404
    assert "This link does not work" in main_text(answer.text)


def test_a_confirmation_token_does_not_unsubscribe(client, session, palace_offer, tmp_path):
    mailbox = Mailbox(tmp_path)
    subscribe(client, palace_offer.hotel_id)
    [confirmation] = mailbox.deliver()
    token = link(body(confirmation), "confirm").rsplit("/", 1)[1]

    assert client.get(f"/alerts/unsubscribe/{token}").status_code == 404


def test_a_russian_visitor_gets_the_form_and_the_mail_in_russian(
    russian_client, palace_offer, tmp_path
):
    mailbox = Mailbox(tmp_path)
    form = russian_client.get(f"/alerts/new?country=TR&hotel_id={palace_offer.hotel_id}")
    assert "Сообщить, когда подешевеет" in main_text(form.text)

    answer = subscribe(russian_client, palace_offer.hotel_id)

    assert "Проверьте почту" in main_text(answer.text)
    [confirmation] = mailbox.deliver()
    assert confirmation["Subject"] == "Подтвердите подписку на снижение цены"
    assert "Чтобы включить подписку, откройте ссылку:" in body(confirmation)


def test_too_long_fields_are_a_form_error_not_a_bare_422(client, palace_offer):
    answer = subscribe(client, palace_offer.hotel_id, "a" * 300 + "@example.com")

    assert answer.status_code == 422
    assert "Enter an e-mail address" in main_text(answer.text)


def test_a_search_whose_dates_have_passed_cannot_be_watched(client, session, palace_offer):
    past = (utcnow() - timedelta(days=5)).date().isoformat()
    answer = subscribe(client, palace_offer.hotel_id, query=f"date_from={past}&date_to={past}")

    assert answer.status_code == 422
    assert "The dates of this search have passed" in main_text(answer.text)
    assert session.scalars(select(PriceAlert)).all() == []
