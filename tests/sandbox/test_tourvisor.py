"""Tourvisor's replica: the documented parameters, answers, quirks and refusals."""

from datetime import date, timedelta

import pytest

from sandbox.hotel_content import facts
from sandbox.operators.tourvisor import PROFILE, tour_id
from sandbox.russian_names import COUNTRIES
from tests.sandbox_truth import catalog

AUTH = {"authlogin": "demo@tourscope.local", "authpass": "demo", "format": "json"}
SIZE = 6000


def day(offset: int) -> str:
    return (date.today() + timedelta(days=offset)).strftime("%d.%m.%Y")


def call(sandbox, script: str, **params) -> dict:
    answer = sandbox.client.get(f"/tourvisor/{script}", params={**AUTH, **params})
    assert answer.status_code == 200  # refusals too: they are an error object
    return answer.json()


def as_list(node) -> list:
    return node if isinstance(node, list) else [node]


def search(sandbox, **params) -> str:
    return call(sandbox, "search.php", **params)["result"]["requestid"]


def finish(sandbox, request_id: str) -> tuple[list[dict], dict]:
    running = []
    for _ in range(8):
        status = call(sandbox, "result.php", requestid=request_id, type="status")["data"]["status"]
        if status["state"] == "finished":
            return running, status
        running.append(status)
    pytest.fail(f"search {request_id} never finished")


TOUR_FIELDS = {
    "operatorcode",
    "operatorname",
    "flydate",
    "nights",
    "meal",
    "mealrussian",
    "room",
    "placement",
    "price",
    "fuelcharge",
    "currency",
    "tourid",
    "onrequest",
}
TURKEY_FROM_MOSCOW = {
    "departure": 1,
    "country": 4,
    "datefrom": day(3),
    "dateto": day(17),
    "nightsfrom": 3,
    "nightsto": 21,
    "currency": 1,
}


@pytest.mark.parametrize(
    "script", ["search.php", "result.php", "list.php", "actualize.php", "hotel.php"]
)
def test_a_wrong_password_is_an_authorisation_error(sandbox, script):
    answer = sandbox.client.get(f"/tourvisor/{script}", params={**AUTH, "authpass": "nope"})
    assert answer.status_code == 200
    assert answer.json() == {"error": {"errormessage": "Authorisation Error"}}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"departure": ""}, "departure - bad format"),
        ({"country": "TR"}, "country - bad format"),
        ({"dateto": day(18)}, "dateto - bad format"),  # 15 days after datefrom
        ({"datefrom": day(-1)}, "datefrom - bad format"),  # in the past
        ({"datefrom": "2026-12-01"}, "datefrom - bad format"),
        ({"nightsfrom": 12, "nightsto": 7}, "nightsto - bad format"),
        ({"adults": 9}, "adults - bad format"),
        ({"currency": 7}, "currency - bad format"),
    ],
)
def test_search_parameters_are_checked_as_documented(sandbox, params, message):
    assert call(sandbox, "search.php", **{**TURKEY_FROM_MOSCOW, **params}) == {
        "error": {"errormessage": message}
    }


def test_a_search_is_polled_a_few_times_then_reads_whole(sandbox):
    sandbox.configure("tourvisor", size=SIZE)
    request_id = search(sandbox, **TURKEY_FROM_MOSCOW)
    assert request_id.isdigit()
    running, done = finish(sandbox, request_id)
    assert len(running) == 3 and all(s["state"] == "searching" for s in running)
    assert [s["progress"] for s in running] == sorted(s["progress"] for s in running)
    assert done["progress"] == 100 and done["hotelsfound"] > 4
    assert {"toursfound", "minprice", "timepassed"} <= set(done)

    first = call(sandbox, "result.php", requestid=request_id, type="result", onpage=2)["data"]
    assert first["status"] == done
    hotels = as_list(first["result"]["hotel"])
    assert len(hotels) == 2
    pages = -(-done["hotelsfound"] // 2)
    for page in range(2, pages + 1):
        answer = call(sandbox, "result.php", requestid=request_id, page=page, onpage=2)
        hotels += as_list(answer["data"]["result"]["hotel"])
    tours = [(h, t) for h in hotels for t in as_list(h["tours"]["tour"])]
    assert len(hotels) == done["hotelsfound"] and len(tours) == done["toursfound"]
    # Hotels come cheapest first; every tour names its real operator.
    assert [h["price"] for h in hotels] == sorted(h["price"] for h in hotels)
    assert min(t["price"] for _, t in tours) == done["minprice"]
    hotel, tour = tours[0]
    assert hotel["countryname"] == "Турция" and hotel["hotelname"].isupper()
    assert {"hotelcode", "regioncode", "regionname", "hotelstars", "hotelrating"} <= set(hotel)
    assert set(tour) >= TOUR_FIELDS, TOUR_FIELDS - set(tour)
    assert tour["currency"] == "EUR" and tour["tourid"].isdigit()
    assert len({t["tourid"] for _, t in tours}) == len(tours)
    assert all(t["adults"] == 2 and t["child"] == 0 for _, t in tours)  # the default party


def test_one_hotel_with_one_tour_comes_as_objects(sandbox):
    sandbox.configure("tourvisor", size=SIZE)
    for offer in catalog(sandbox, PROFILE, size=SIZE).offers():
        if offer.departure_city_code != "MOW" or offer.availability != "available":
            continue
        when = offer.departure_date.strftime("%d.%m.%Y")
        request_id = search(
            sandbox,
            departure=1,
            country={"TR": 4, "EG": 1}.get(offer.hotel.country_code, 0) or 4,
            datefrom=when,
            dateto=when,
            nightsfrom=offer.nights,
            nightsto=offer.nights,
            adults=offer.adults,
            child=offer.children,
            **{f"childage{n}": 5 for n in range(1, offer.children + 1)},
        )
        _, done = finish(sandbox, request_id)
        if done["toursfound"] == 1:
            break
    else:
        pytest.fail("no single-tour search found")
    answer = call(sandbox, "result.php", requestid=request_id, type="result")
    hotel = answer["data"]["result"]["hotel"]
    assert isinstance(hotel, dict) and isinstance(hotel["tours"]["tour"], dict)
    assert hotel["tours"]["tour"]["tourid"] == tour_id(offer)


def test_children_without_ages_find_nothing(sandbox):
    request_id = search(sandbox, **TURKEY_FROM_MOSCOW, child=1)
    assert finish(sandbox, request_id)[1]["toursfound"] == 0


def test_reference_lists_carry_tourvisors_ids(sandbox):
    lists = call(sandbox, "list.php", type="departure,country,meal,stars,operator")["lists"]
    departures = {d["id"]: d["name"] for d in lists["departures"]["departure"]}
    assert departures["1"] == "Москва" and departures["99"] == "Без перелёта"
    countries = {c["id"]: c["name"] for c in lists["countries"]["country"]}
    assert (countries["1"], countries["2"], countries["4"]) == ("Египет", "Таиланд", "Турция")
    meals = {m["id"]: (m["name"], m["russian"]) for m in lists["meals"]["meal"]}
    assert meals["7"] == ("AI", "Все включено") and meals["2"][0] == "RO"
    assert {o["name"] for o in lists["operators"]["operator"]} >= {"Anex Tour", "Coral Travel"}

    regions = as_list(
        call(sandbox, "list.php", type="region", regcountry=4)["lists"]["regions"]["region"]
    )
    assert {"id": "19", "name": "Аланья", "country": "4"} in regions
    assert all(r["country"] == "4" for r in regions)
    hotels = call(sandbox, "list.php", type="hotel", hotcountry=1)["lists"]["hotels"]["hotel"]
    assert all(h["name"].isupper() and h["id"].isdigit() for h in hotels)
    assert call(sandbox, "list.php", type="hotel") == {
        "error": {"errormessage": "hotcountry - bad format"}
    }


def test_actualize_rechecks_a_tour_by_its_id(sandbox):
    sandbox.configure("tourvisor", size=SIZE)
    request_id = search(sandbox, **TURKEY_FROM_MOSCOW)
    finish(sandbox, request_id)
    hotel = as_list(call(sandbox, "result.php", requestid=request_id)["data"]["result"]["hotel"])[0]
    tour = as_list(hotel["tours"]["tour"])[0]
    actual = call(sandbox, "actualize.php", tourid=tour["tourid"], currency=1)["data"]["tour"]
    assert (actual["price"], actual["currency"], actual["hotelcode"]) == (
        tour["price"],
        "EUR",
        hotel["hotelcode"],
    )
    roubles = call(sandbox, "actualize.php", tourid=tour["tourid"])["data"]["tour"]
    assert roubles["currency"] == "RUB" and roubles["price"] > 50 * tour["price"]
    assert call(sandbox, "actualize.php", tourid="13999999999999")["data"]["iserror"] == 1


def test_without_format_json_the_answer_is_xml(sandbox):
    params = {k: v for k, v in AUTH.items() if k != "format"}
    answer = sandbox.client.get("/tourvisor/list.php", params={**params, "type": "stars"})
    assert answer.headers["content-type"].startswith("application/xml")
    assert "<lists><stars><star><id>1</id><name>1*</name></star>" in answer.text


def test_hotel_information_has_the_documented_fields(sandbox):
    hotels = catalog(sandbox, PROFILE, size=SIZE).hotels
    described = next(h for h in hotels if h.id % 11 and h.id % 5)
    code = PROFILE.hotel_code(described)
    hotel = call(sandbox, "hotel.php", hotelcode=code, imgbig=1, removetags=1)["data"]["hotel"]

    assert {"name", "stars", "country", "region", "placement", "phone", "description"} <= set(hotel)
    assert (hotel["iscoords"], hotel["isphoto"]) == (1, 1)
    assert hotel["country"] == COUNTRIES[described.country_code]  # names, not ids
    # coord1 is the latitude and coord2 the longitude, as text.
    known = facts(described)
    assert (float(hotel["coord1"]), float(hotel["coord2"])) == (known.latitude, known.longitude)
    assert hotel["description"].startswith("<p>") and "Отель" in hotel["description"]
    photos = as_list(hotel["images"]["image"])
    assert int(hotel["imagescount"]) == len(photos) >= 3
    assert all(f"/tourvisor/hotel_pics/big/{code}/" in url for url in photos)
    assert ";" in hotel["services"] and "<li>" not in hotel["services"]  # removetags=1
    picture = sandbox.client.get(photos[0])
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/svg+xml"


def test_a_hotel_without_coordinates_says_so_and_bad_codes_are_refused(sandbox):
    hotels = catalog(sandbox, PROFILE, size=SIZE).hotels
    unplaced = next(h for h in hotels if h.id % 11 == 0)
    hotel = call(sandbox, "hotel.php", hotelcode=PROFILE.hotel_code(unplaced))["data"]["hotel"]
    assert (hotel["iscoords"], hotel["coord1"], hotel["coord2"]) == (0, "0", "0")
    assert all("/main400/" in url for url in as_list(hotel["images"]["image"]))
    refused = call(sandbox, "hotel.php", hotelcode="abc")
    assert refused == {"error": {"errormessage": "hotelcode - bad format"}}
    assert call(sandbox, "hotel.php", hotelcode="1") == {"data": {}}
