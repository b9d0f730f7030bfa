"""Samo Travel: SAMO-style SearchTour_PRICES rows, paged, with grouped rows."""

import re

from sandbox.operators.samotravel import PAGE_SIZE

API = "/samotravel/export/default.php"
QUERY = {"samo_action": "api", "type": "json", "action": "SearchTour_PRICES"}


def prices_page(sandbox, page: int):
    return sandbox.client.get(API, params={**QUERY, "PRICEPAGE": page})


def test_price_rows_look_like_samo_output(sandbox):
    answer = prices_page(sandbox, 1).json()["SearchTour_PRICES"]
    assert (answer["page"], answer["pages"], answer["total"]) == (1, 3, 300)
    bookable = [row for row in answer["prices"] if not row["grouped"]]
    assert len(bookable) == PAGE_SIZE
    row = bookable[0]
    assert row["id"] == "ST0000000" and isinstance(row["hotelKey"], int)
    assert re.fullmatch(r"20\d{6}", row["checkIn"]) and re.fullmatch(r"[2-5]\*", row["star"])
    assert row["hotel"].endswith(row["star"]) and row["townFrom"] and row["state"]
    assert row["meal"] in {"RO", "BB", "HB", "FB", "AI", "UAI"} and isinstance(row["mealKey"], int)
    # The price is a string in the tour's currency; the converted one is for display.
    assert isinstance(row["price"], str) and row["currency"] in {"USD", "EUR"}
    assert row["convertedPriceFormatted"].endswith(" RUB")
    rows = answer["prices"]
    assert {r["currency"] for r in rows} == {"USD", "EUR"}
    assert {r["hotelAvailability"] for r in rows} <= {"Y", "F", "R", "N"}
    assert {r["ticketsAvailability"] for r in rows} <= {"Y", "N"}


def test_each_page_opens_with_a_grouped_row_that_is_not_an_offer(sandbox):
    keys = []
    for page in (1, 2, 3):
        rows = prices_page(sandbox, page).json()["SearchTour_PRICES"]["prices"]
        assert rows[0]["grouped"] is True and rows[0]["id"].endswith("-G")
        assert sum(row["grouped"] for row in rows) == 1
        cheapest = min(float(r["price"]) for r in rows[1:] if r["currency"] == rows[0]["currency"])
        assert float(rows[0]["price"]) <= cheapest
        keys += [row["id"] for row in rows if not row["grouped"]]
    assert len(keys) == len(set(keys)) == 300
    assert prices_page(sandbox, 4).status_code == 404


def test_other_actions_are_refused_and_offers_have_a_page(sandbox):
    other = sandbox.client.get(API, params={**QUERY, "action": "SearchTour_HOTELS"})
    assert other.status_code == 400
    page = sandbox.client.get("/samotravel/tour/ST0000001")
    assert page.status_code == 200 and "Samo Travel" in page.text
    assert sandbox.client.get("/samotravel/tour/ST9999999").status_code == 404


def test_missing_fields_are_left_out_of_the_rows(sandbox):
    sandbox.configure("samotravel", fault="missing_fields")
    rows = prices_page(sandbox, 1).json()["SearchTour_PRICES"]["prices"]
    bookable = [row for row in rows if not row["grouped"]]
    assert sum("hotel" not in row for row in bookable) == 5
    assert sum("price" not in row for row in bookable) == 5
