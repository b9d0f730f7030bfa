"""AeroTour's asynchronous JSON gate: start a search, poll it, page through its results."""

import pytest

API = "/aerotour/api/search"


def start_search(client, method: str = "POST") -> str:
    answer = client.request(method, API)
    assert answer.status_code == 200
    return answer.json()["searchId"]


def poll_until_done(client, search_id: str) -> tuple[list[dict], dict]:
    running = []
    for _ in range(5):
        status = client.get(f"{API}/{search_id}/status").json()
        if status["state"] == "done":
            return running, status
        running.append(status)
    pytest.fail(f"search {search_id} never finished")


def all_tours(client, search_id: str, page_size: int) -> list[tuple[dict, dict]]:
    first = client.get(f"{API}/{search_id}/results", params={"pageSize": page_size}).json()
    pages = [first] + [
        client.get(
            f"{API}/{search_id}/results", params={"page": page, "pageSize": page_size}
        ).json()
        for page in range(2, first["pages"] + 1)
    ]
    return [(hotel, tour) for page in pages for hotel in page["hotels"] for tour in hotel["tours"]]


def test_search_runs_for_a_poll_or_two_then_reports_what_it_found(sandbox):
    for method in ("POST", "GET"):
        search_id = start_search(sandbox.client, method)
        running, done = poll_until_done(sandbox.client, search_id)
        assert 1 <= len(running) <= 2
        assert all(s["state"] == "running" and 0 < s["progress"] < 100 for s in running)
        assert done["tours"] == 300 and 100 < done["hotels"] < 300
        # A finished search stays finished.
        assert sandbox.client.get(f"{API}/{search_id}/status").json() == done


def test_results_are_pages_of_hotels_with_their_tours(sandbox):
    search_id = start_search(sandbox.client)
    assert sandbox.client.get(f"{API}/{search_id}/results").status_code == 409  # still running
    poll_until_done(sandbox.client, search_id)

    page = sandbox.client.get(f"{API}/{search_id}/results", params={"pageSize": 40}).json()
    assert (page["page"], page["pageSize"], page["pages"]) == (1, 40, 8)
    hotel = page["hotels"][0]
    assert {"hotelId", "hotelName", "stars", "country", "region", "tours"} <= set(hotel)
    assert hotel["hotelName"].isupper() and hotel["stars"].endswith("*")
    tour = hotel["tours"][0]
    assert tour["tourId"].startswith("AT") and tour["currency"] == "RUB"
    day, month, year = tour["dateFrom"].split(".")
    assert (len(day), len(month), len(year)) == (2, 2, 4)
    assert tour["mealCode"] in {"RO", "BB", "HB", "FB", "AI", "UAI"} and "|" not in tour["mealName"]
    assert {"hotelAvailable", "flightAvailable", "price", "fuelCharge"} <= set(tour)

    tours = all_tours(sandbox.client, search_id, 40)
    assert len(tours) == 300 and len({t["tourId"] for _, t in tours}) == 300
    assert sandbox.client.get(f"{API}/{search_id}/results", params={"page": 9}).status_code == 404


def test_numbers_sometimes_come_as_strings_and_the_fuel_charge_apart(sandbox):
    search_id = start_search(sandbox.client)
    poll_until_done(sandbox.client, search_id)
    tours = [tour for _, tour in all_tours(sandbox.client, search_id, 100)]
    for field in ("price", "nights", "adults"):
        kinds = {type(tour[field]) for tour in tours}
        assert kinds == {int, str}, field
        assert all(str(tour[field]).isdigit() for tour in tours)
    assert any(tour["fuelCharge"] > 0 for tour in tours)
    assert all(int(tour["price"]) > tour["fuelCharge"] for tour in tours)


def test_availability_flags(sandbox):
    search_id = start_search(sandbox.client)
    poll_until_done(sandbox.client, search_id)
    flags = {
        (tour["hotelAvailable"], tour["flightAvailable"])
        for _, tour in all_tours(sandbox.client, search_id, 300)
    }
    assert flags == {("Y", "Y"), ("R", "Y"), ("N", "Y"), ("Y", "N")}


def test_missing_fields_are_left_out(sandbox):
    sandbox.configure("aerotour", fault="missing_fields")
    search_id = start_search(sandbox.client)
    poll_until_done(sandbox.client, search_id)
    tours = all_tours(sandbox.client, search_id, 100)
    assert sum(1 for hotel, _ in tours if "hotelName" not in hotel) == 15
    assert sum(1 for _, tour in tours if "price" not in tour) == 15


def test_unknown_search_is_a_json_404_and_every_tour_has_a_page(sandbox):
    for path in (f"{API}/nosuchsearch/status", f"{API}/nosuchsearch/results"):
        answer = sandbox.client.get(path)
        assert answer.status_code == 404 and "nosuchsearch" in answer.json()["detail"]
    page = sandbox.client.get("/aerotour/tour/AT0000001")
    assert page.status_code == 200 and "RUB" in page.text
    assert sandbox.client.get("/aerotour/tour/AT9999999").status_code == 404
