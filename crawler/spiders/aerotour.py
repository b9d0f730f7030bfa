from crawler.spiders.base.json_gate import AsyncJsonGateSpider


class AerotourSpider(AsyncJsonGateSpider):
    name = "aerotour"
    operator_name = "AeroTour"
    sandbox_path = "/aerotour"
    offer_page_price = "p.price::text"
    date_formats = ("%d.%m.%Y",)
    default_currency = "RUB"
    surcharge_included = False  # `price` excludes the `fuelCharge`
    poll_interval = 0.3  # the gate answers within a second

    search_path = "/api/search"
    status_path = "/api/search/{search_id}/status"
    results_path = "/api/search/{search_id}/results?page={page}&pageSize={page_size}"
    link_path = "/tour/{offer_key}"

    search_id_key = "searchId"
    state_key = "state"
    total_key = "tours"
    pages_key = "pages"
    hotels_key = "hotels"
    tours_key = "tours"

    hotel_fields = {
        "hotel_code": "hotelId",
        "hotel_name": "hotelName",
        "hotel_stars": "stars",
        "country": "country",
        "resort": "region",
    }
    tour_fields = {
        "offer_key": "tourId",
        "departure_date": "dateFrom",
        "nights": "nights",
        "departure_city": "cityFrom",
        "departure_city_code": "cityFromCode",
        "meal": ("mealCode", "mealName"),
        "room_type": "room",
        "adults": "adults",
        "children": "children",
        "price": "price",
        "surcharge": "fuelCharge",
        "currency": "currency",
    }
    hotel_content_fields = {"latitude": "geo.lat", "longitude": "geo.lon", "address": "address"}
    availability_flags = ("flightAvailable", "hotelAvailable")
    availability_map = {
        "flightAvailable=N": "sold_out",
        "flightAvailable=R": "on_request",
        "hotelAvailable=N": "stop_sale",
        "hotelAvailable=R": "on_request",
    }
