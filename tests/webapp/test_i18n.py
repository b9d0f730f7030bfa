"""The site in Russian and English: the language chosen, plural forms, dates and money."""

import re
from datetime import date, timedelta

import pytest

from models.agency_time import agency_today
from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)
from tests.webapp.pages import main_text, visible_text

# Russian as CLDR writes it (hand-written here, so the test does not check Babel with Babel).
RU_MONTHS = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
RU_SHORT_MONTHS = "янв. февр. мар. апр. мая июн. июл. авг. сент. окт. нояб. дек."
RU_WEEKDAYS = "пн вт ср чт пт сб вс"


def ru_day(day: date) -> str:
    return f"{day.day} {RU_MONTHS.split()[day.month - 1]} {day.year}"


def ru_weekday(day: date) -> str:
    weekday = RU_WEEKDAYS.split()[day.weekday()]
    return f"{weekday}, {day.day} {RU_SHORT_MONTHS.split()[day.month - 1]} {day.year}"


def page_language(html: str) -> str:
    match = re.search(r'<html lang="([a-z]+)">', html)
    assert match, "the page has no <html lang>"
    return match.group(1)


def test_a_visitor_who_states_no_language_gets_russian(russian_client):
    response = russian_client.get("/")

    assert response.status_code == 200
    assert page_language(response.text) == "ru"
    assert response.headers["content-language"] == "ru"
    text = visible_text(response.text)
    assert "Найдите пакетный тур" in text
    assert "Вылет из" in text and "Питание" in text and "Взрослые" in text
    assert "Найти туры" in text
    assert "Find a package tour" not in text


def test_accept_language_english_gets_english(russian_client):
    response = russian_client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,ru;q=0.5"})

    assert page_language(response.text) == "en"
    assert "Find a package tour" in visible_text(response.text)


def test_a_language_we_do_not_speak_falls_back_to_the_default(russian_client):
    response = russian_client.get("/", headers={"Accept-Language": "de-DE,fr;q=0.8"})

    assert page_language(response.text) == "ru"


def test_every_page_links_to_itself_in_each_language(russian_client):
    response = russian_client.get("/deals")

    html = response.text
    assert '<link rel="alternate" hreflang="ru" href="http://testserver/deals?lang=ru">' in html
    assert '<link rel="alternate" hreflang="en" href="http://testserver/deals?lang=en">' in html
    switcher = re.search(r'<nav class="languages".*?</nav>', html, flags=re.S)
    assert switcher, "the page has no language switcher"
    assert visible_text(switcher.group(0)) == "RU | EN"
    assert 'href="http://testserver/deals?lang=en"' in switcher.group(0)


def test_the_switch_is_kept_in_a_cookie_and_wins_over_the_browser(russian_client):
    russian = {"Accept-Language": "ru-RU,ru"}
    switched = russian_client.get("/?lang=en", headers=russian)

    assert page_language(switched.text) == "en"
    assert "tourscope_lang=en" in switched.headers["set-cookie"]
    later = russian_client.get("/deals", headers=russian)
    assert page_language(later.text) == "en"
    assert "Hot deals" in visible_text(later.text)
    back = russian_client.get("/deals?lang=ru", headers=russian)
    assert page_language(back.text) == "ru"
    assert "Горящие туры" in visible_text(back.text)


def test_one_address_in_two_languages_has_two_validators(russian_client):
    russian = russian_client.get("/deals")
    english = russian_client.get("/deals", headers={"Accept-Language": "en"})

    assert russian.headers["etag"] != english.headers["etag"]
    assert "Accept-Language" in russian.headers["vary"]
    # The English validator does not answer a Russian request with a 304.
    again = russian_client.get("/deals", headers={"If-None-Match": english.headers["etag"]})
    assert again.status_code == 200 and page_language(again.text) == "ru"


@pytest.fixture
def plural_offers(session) -> date:
    """One hotel, three offers of 1, 2 and 5 nights for 1, 2 and 5 adults, departing in
    30 days; returns the departure date."""
    turkey = make_country(session, "TR", "Turkey")
    operator = make_operator(session, "suncoast", "SunCoast Tours")
    city = make_departure_city(session)
    hotel = make_hotel(session, make_resort(session, turkey, "Antalya"), "Antalya Palace", 5)
    departure = agency_today() + timedelta(days=30)
    for nights, adults, price in [(1, 1, "1225.44"), (2, 2, "2000.00"), (5, 5, "95000.00")]:
        make_offer(
            session,
            operator=operator,
            hotel=hotel,
            departure_city=city,
            departure_date=departure,
            nights=nights,
            adults=adults,
            price=price,
        )
    session.commit()
    return departure


def test_a_russian_hotel_page_has_russian_plurals_dates_and_money(russian_client, plural_offers):
    hotel_id = re.search(r'href="/hotels/(\d+)', russian_client.get("/").text).group(1)

    response = russian_client.get(f"/hotels/{hotel_id}?currency=EUR&adults=1")
    text = main_text(response.text)
    assert response.status_code == 200
    assert "1 ночь" in text
    assert "1 взрослый" in text
    assert "1 225,44 €" in text  # grouped by a space, decimal comma, symbol after
    assert ru_weekday(plural_offers) in text
    both = main_text(russian_client.get(f"/hotels/{hotel_id}?currency=EUR&adults=2").text)
    assert "2 ночи" in both and "2 взрослых" in both and "2 000 €" in both
    five = main_text(russian_client.get(f"/hotels/{hotel_id}?currency=EUR&adults=5").text)
    assert "5 ночей" in five and "5 взрослых" in five and "95 000 €" in five


def test_russian_search_results_speak_russian(russian_client, plural_offers):
    response = russian_client.get("/?currency=EUR&adults=1")
    text = main_text(response.text)

    assert "Найден 1 отель" in text
    assert "от 1 225,44 € у SunCoast Tours" in text
    assert "1 ночь" in text and "проверено только что" in text
    assert f"для: 1 взрослый, с вылетом {ru_day(agency_today() + timedelta(days=1))}" in text
    assert "Всё включено" in text


def test_russian_prices_are_in_roubles_unless_the_visitor_chose(russian_client, plural_offers):
    text = main_text(russian_client.get("/?adults=2").text)

    assert re.search(r"от \d{1,3}( \d{3})*(,\d\d)? ₽ у SunCoast Tours", text), text
    assert '<option value="RUB" selected>' in russian_client.get("/").text
    # An English reader's default stays the base currency.
    english = russian_client.get("/?adults=2", headers={"Accept-Language": "en"})
    assert "from €2,000 at SunCoast Tours" in main_text(english.text)
    # A Russian reader who picked euros keeps them on the links of the page.
    chosen = russian_client.get("/?adults=2&currency=EUR&sort=date").text
    assert re.search(r'href="\?[^"]*currency=EUR', chosen)


def test_russian_search_errors_are_in_russian(russian_client):
    response = russian_client.get("/?adults=abc&nights_min=0")

    assert response.status_code == 422
    text = main_text(response.text)
    assert "Пожалуйста, исправьте запрос:" in text
    assert "Взрослые: Введите целое число." in text
    assert "Ночей, от: Введите 1 или больше." in text


def test_api_errors_follow_accept_language_with_english_keys(russian_client):
    russian = russian_client.get("/api/search?nights_min=seven&adults=99")
    assert russian.status_code == 422
    messages = {tuple(error["loc"]): error["msg"] for error in russian.json()["detail"]}
    assert messages[("query", "nights_min")] == "Введите целое число."
    assert messages[("query", "adults")].startswith("Введите ")

    english = russian_client.get("/api/search?nights_min=seven", headers={"Accept-Language": "en"})
    assert english.status_code == 422
    assert english.json()["detail"][0]["msg"].startswith("Input should be a valid integer")


def test_places_are_named_in_the_readers_language(russian_client, plural_offers, session):
    """Countries, resorts and departure cities in Russian for a Russian reader, in the
    results, the summary, the hotel page and the lists; hotels keep their own names."""
    from models import Country, DepartureCity, Resort

    session.query(Country).update({"name_ru": "Турция"})
    session.query(Resort).update({"name_ru": "Анталья"})
    session.query(DepartureCity).update({"name_ru": "Москва"})
    session.commit()

    results = visible_text(russian_client.get("/?country=TR").text)
    assert "Antalya Palace" in results and "Анталья, Турция" in results
    assert "в стране Турция" in results and "вылет из: Москва" in results
    hotel_id = re.search(r'href="/hotels/(\d+)', russian_client.get("/").text).group(1)
    assert "Анталья, Турция" in visible_text(russian_client.get(f"/hotels/{hotel_id}").text)
    assert russian_client.get("/api/countries").json() == [{"code": "TR", "name": "Турция"}]
    english = russian_client.get("/api/countries", headers={"Accept-Language": "en"})
    assert english.json() == [{"code": "TR", "name": "Turkey"}]
