"""Prices in the visitor's currency: converted with the stored rates, saying their day;
and a base currency other than the euro."""

from datetime import timedelta
from decimal import Decimal

from models.agency_time import agency_today
from models.catalog.exchange_rates import store_rates
from tests.webapp.test_search_page import visible_text
from tourscope.foundation.settings import get_settings

RATES = {  # roubles for the nominal
    "EUR": (1, Decimal("100")),
    "USD": (1, Decimal("80")),
    "GBP": (1, Decimal("110")),
    "TRY": (10, Decimal("25")),
    "AED": (1, Decimal("22")),
}


def test_prices_are_converted_with_the_stored_rates_and_say_their_day(client, offers, session):
    day = agency_today() - timedelta(days=1)
    store_rates(session, "cbr", day - timedelta(days=3), {**RATES, "EUR": (1, Decimal("90"))})
    store_rates(session, "cbr", day, RATES)
    store_rates(session, "cbr", agency_today() + timedelta(days=1), {**RATES, "USD": (1, 1)})
    session.commit()

    text = visible_text(client.get("/?currency=USD").text)

    assert "from $1,542.50 at SunCoast Tours" in text  # 1 234 EUR x 100 / 80
    assert f"Bank of Russia's rates of {day.day} {day.strftime('%b %Y')}" in text
    hotel_page = visible_text(client.get("/").text)
    assert "from €1,234" in hotel_page


def test_without_fetched_rates_the_page_says_it_uses_reference_rates(client, offers):
    text = visible_text(client.get("/?currency=USD").text)

    assert "reference rates: no exchange rates have been fetched yet" in text


def test_new_rates_change_the_prices_of_a_page_already_served(client, offers, session):
    store_rates(session, "cbr", agency_today(), RATES)
    session.commit()
    assert "$1,542.50" in visible_text(client.get("/?currency=USD").text)

    store_rates(session, "cbr", agency_today(), {**RATES, "USD": (1, Decimal("100"))})
    session.commit()

    assert "$1,234" in visible_text(client.get("/?currency=USD").text)


def test_a_rouble_base_labels_prices_in_roubles_and_converts_them(
    client, russian_client, offers, session, monkeypatch
):
    monkeypatch.setenv("TOURSCOPE_BASE_CURRENCY", "RUB")  # the offers' 1 234.00 are roubles
    get_settings.cache_clear()
    store_rates(session, "cbr", agency_today(), RATES)
    session.commit()

    in_roubles = visible_text(client.get("/").text)
    in_euros = visible_text(client.get("/?currency=EUR").text)

    assert "from RUB 1,234 at SunCoast Tours" in in_roubles
    assert "from €12.34 at SunCoast Tours" in in_euros
    assert "€" not in in_roubles.split("hotels found")[1].split("Why does")[0]
    # A Russian reader sees the same roubles, in Russian.
    assert "от 1 234 ₽" in visible_text(russian_client.get("/").text)


def test_switching_currency_converts_the_price_bounds(client, offers, session):
    """1,000-1,300 EUR chosen, then roubles picked: the bounds become 100,000-130,000 RUB
    (at 100 roubles a euro), not 1,000-1,300 roubles, and find the same hotel."""
    store_rates(session, "cbr", agency_today(), RATES)
    session.commit()

    page = client.get("/?country=TR&price_min=1000&price_max=1300&currency=RUB&bounds_currency=EUR")

    assert page.status_code == 200
    assert (
        'name="price_min" type="number" min="0" step="any" inputmode="decimal" value="100000"'
        in page.text
    )
    assert 'value="130000"' in page.text
    text = visible_text(page.text)
    assert "Antalya Palace" in text and "Side Garden" not in text  # 1 234 EUR, not 980.50
    # The form now says its bounds are in roubles: submitting it again converts nothing.
    assert 'name="bounds_currency" value="RUB"' in page.text
    again = client.get(
        "/?country=TR&price_min=100000&price_max=130000&currency=RUB&bounds_currency=RUB"
    )
    assert "Antalya Palace" in visible_text(again.text)
