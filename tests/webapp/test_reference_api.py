"""Reference lists in JSON: countries, resorts, departure cities and operators."""

from tests.factories import (
    make_country,
    make_departure_city,
    make_hotel,
    make_offer,
    make_operator,
    make_resort,
)


def test_the_lists_hold_what_is_on_sale(client, session):
    turkey = make_country(session, "TR", "Turkey")
    egypt = make_country(session, "EG", "Egypt")
    make_country(session, "GR", "Greece")
    city = make_departure_city(session, "MOW", "Moscow")
    make_departure_city(session, "PAR", "Paris")
    operator = make_operator(session, "suncoast", "SunCoast Tours")
    for resort in [make_resort(session, turkey, "Side"), make_resort(session, egypt, "Hurghada")]:
        make_offer(
            session, operator=operator, hotel=make_hotel(session, resort), departure_city=city
        )
    session.commit()

    assert client.get("/api/countries").json() == [
        {"code": "EG", "name": "Egypt"},
        {"code": "TR", "name": "Turkey"},
    ]
    resorts = client.get("/api/resorts", params={"country": "tr"}).json()
    assert [(r["name"], r["country_code"]) for r in resorts] == [("Side", "TR")]
    assert len(client.get("/api/resorts").json()) == 2
    assert client.get("/api/departure-cities").json() == [{"code": "MOW", "name": "Moscow"}]
    assert client.get("/api/operators").json() == [
        {"code": "suncoast", "name": "SunCoast Tours", "website": "http://suncoast.example"}
    ]


def test_a_bad_country_code_is_a_readable_422(client, db_url):
    response = client.get("/api/resorts?country=Turkey")

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "country"]
    assert "should match pattern" in error["msg"]


def test_openapi_describes_every_response(client, db_url):
    schema = client.get("/openapi.json").json()

    for path in [
        "/api/hotels/{hotel_id}",
        "/api/deals",
        "/api/countries",
        "/api/resorts",
        "/api/departure-cities",
        "/api/operators",
    ]:
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"], path
    hotel = schema["paths"]["/api/hotels/{hotel_id}"]["get"]
    assert "404" in hotel["responses"]
    assert {"country", "adults", "sort", "currency"} <= {p["name"] for p in hotel["parameters"]}
    offer = schema["components"]["schemas"]["HotelOffer"]
    assert {"price", "surcharge", "price_per_person", "last_seen_at", "on_request"} <= set(
        offer["properties"]
    )
