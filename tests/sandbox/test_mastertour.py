"""The replica of Master-Tour's price API: reference lists, GetTours, ActualizeTour and the
error answers for what the service cannot read."""

from datetime import date, timedelta

import pytest

from sandbox.operators import mastertour as replica

API = "/mastertour/TourSearchOwin/searchApi"


def call(sandbox, **params):
    return sandbox.client.get(API, params=params)


def tours_params(**changes) -> dict:
    today = date.today()
    params = {
        "action": "GetTours",
        "count": 500,
        "countryId": 4,
        "departCityId": 1,
        "dateFrom": f"{today:%d.%m.%Y}",
        "dateTo": f"{today + timedelta(days=80):%d.%m.%Y}",
        "adults": 2,
        "kids": 0,
        "nightsMin": 1,
        "nightsMax": 30,
        "currencyId": replica.EUR_ID,
        "ticketsIncluded": 1,
    }
    return {**params, **changes}


def test_reference_lists_have_master_tour_ids_and_russian_names(sandbox):
    countries = call(sandbox, action="GetCountries").json()["countries"]
    assert {"id": 4, "name": "Турция"} in countries and {"id": 17, "name": "Египет"} in countries
    # Both spellings of the methods the notes are unsure of.
    for action in ("GetDepartureCities", "GetDepartCities"):
        cities = call(sandbox, action=action).json()["departureCities"]
        moscow = next(city for city in cities if city["id"] == 1)
        assert moscow["name"] == "Москва" and {"id": 4} in moscow["countriesTo"]
    for action in ("GetCities", "GetResorts"):
        cities = call(sandbox, action=action).json()["cities"]
        assert {"id": 1290, "name": "Кемер", "countryId": 4} in cities
    hotels = call(sandbox, action="GetHotels").json()["hotels"]
    assert hotels and all(isinstance(h["id"], int) and h["name"].isascii() for h in hotels)
    assert {"id": 11, "name": "HV-1"} in call(sandbox, action="GetHotelCategories").json()[
        "hotelCategories"
    ]
    assert {"id": 12, "name": "Все включено"} in call(sandbox, action="GetMeals").json()["meals"]
    assert call(sandbox, action="GetCurrencies").json()["currencies"][2] == {"id": 3, "name": "EU"}
    rates = call(sandbox, action="GetCurrencyRates").json()["currencyRates"]
    assert {"currencyId": 3, "rate": 94.1023} in rates


def test_a_reference_list_filters_by_one_id_only(sandbox):
    assert call(sandbox, action="GetCountries", id=17).json() == {
        "countries": [{"id": 17, "name": "Египет"}]
    }
    # Several ids are not processed: the whole list comes back.
    everything = call(sandbox, action="GetCountries").json()
    assert call(sandbox, action="GetCountries", id="4,17").json() == everything
    assert call(sandbox, action="GetCountries", id="four").json() == {
        "error": "Incorrect parametr."
    }


def test_an_unknown_method_is_an_incorrect_request(sandbox):
    for params in ({"action": "GetTour"}, {"action": "getcountries"}, {}):
        answer = call(sandbox, **params)
        assert answer.status_code == 200 and answer.json() == {"error": "Incorrect request."}


@pytest.mark.parametrize(
    "change",
    [
        {"count": None},
        {"countryId": None},
        {"departCityId": "Москва"},
        {"dateFrom": None},
        {"dateTo": "2026-06-20"},
        {"adults": None},
        {"kids": None},
        {"kids": 1},  # without kidsAges
        {"nightsMin": None},
        {"nightsMax": "7-9"},
        {"currencyId": None},
        {"currencyId": 99},
        {"ticketsIncluded": None},
        {"count": 40000},  # more than the 16-bit number the service reads
        {"hotels": "1,x"},
    ],
)
def test_get_tours_refuses_what_it_cannot_read(sandbox, change):
    params = {k: v for k, v in tours_params(**change).items() if v is not None}
    answer = call(sandbox, **params)
    assert answer.status_code == 200 and answer.json() == {"error": "Incorrect parametr."}


def test_get_tours_answers_the_cheapest_count_offers_for_the_question(sandbox):
    sandbox.configure("mastertour", size=3000)
    everything = call(sandbox, **tours_params()).json()["tours"]
    assert len(everything) > 5
    prices = [tour["price"] for tour in everything]
    assert prices == sorted(prices)
    # `count` keeps the cheapest; there is no page to ask for the rest.
    assert call(sandbox, **tours_params(count=3)).json()["tours"] == everything[:3]
    turkey = {city["id"] for city in call(sandbox, action="GetCities").json()["cities"]
              if city["countryId"] == 4}  # fmt: skip
    for tour in everything:
        assert tour["resortId"] in turkey and tour["htPlaceName"] == "2 ADL"
        assert isinstance(tour["offerId"], int) and tour["hotelName"].isascii()
        start = date(*reversed([int(part) for part in tour["tourDate"].split(".")]))
        end = date(*reversed([int(part) for part in tour["tourEndDate"].split(".")]))
        assert (end - start).days == tour["nights"]
    one_night = everything[0]["nights"]
    narrow = call(sandbox, **tours_params(nightsMin=one_night, nightsMax=one_night)).json()
    assert {t["offerId"] for t in narrow["tours"]} == {
        t["offerId"] for t in everything if t["nights"] == one_night
    }
    meal = everything[0]["mealId"]
    by_meal = call(sandbox, **tours_params(meals=str(meal))).json()["tours"]
    assert by_meal and all(t["mealId"] == meal for t in by_meal)
    # Prices in roubles: the same offers at the rouble rate, rounded.
    roubles = call(sandbox, **tours_params(currencyId=1)).json()["tours"]
    assert [t["offerId"] for t in roubles] == [t["offerId"] for t in everything]
    assert abs(roubles[0]["price"] - everything[0]["price"] * 94.1023) <= 1
    # Nothing found is not an error.
    assert call(sandbox, **tours_params(adults=6)).json() == {"tours": []}


def test_one_offer_by_its_id_and_its_actualization(sandbox):
    first = call(sandbox, **tours_params()).json()["tours"][0]
    by_id = call(sandbox, action="GetTours", offerId=first["offerId"], currencyId=3).json()
    assert by_id == {"tours": [first]}
    actual = call(sandbox, action="ActualizeTour", offerId=first["offerId"], currencyId=3).json()
    tour = actual["actualizedTour"]
    assert tour["price"] == first["price"] and tour["hotelIsInStop"] == first["hotelIsInStop"]
    assert {service["type"] for service in tour["services"]} >= {"DptTransport", "RtnTransport"}
    gone = call(sandbox, action="ActualizeTour", offerId=replica.OFFER_ID_BASE - 1, currencyId=3)
    assert gone.status_code == 500 and "не найдено" in gone.text
    missing = call(sandbox, action="ActualizeTour", offerId=first["offerId"])
    assert missing.json() == {"error": "Incorrect parametr."}
