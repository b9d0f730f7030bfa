from crawler.spiders.base.price_rows_api import PriceRowsApiSpider


class SamotravelSpider(PriceRowsApiSpider):
    name = "samotravel"
    operator_name = "Samo Travel"
    sandbox_path = "/samotravel"
    offer_page_price = "p.price::text"
    date_formats = ("%Y%m%d",)
    default_currency = "USD"

    api_path = "/export/default.php"
    api_params = {"samo_action": "api", "type": "json", "action": "SearchTour_PRICES"}
    page_param = "PRICEPAGE"
    result_key = "SearchTour_PRICES"
    group_flag = "grouped"
    # Letters per part: Y yes, F few left, R on request, N none.
    availability_fields = {"hotel": "hotelAvailability", "tickets": "ticketsAvailability"}
    availability_map = {
        "hotel:R": "on_request",
        "hotel:N": "stop_sale",
        "tickets:R": "on_request",
        "tickets:N": "sold_out",
    }
    # The price is in the tour's currency; "convertedPrice*" (roubles) is for display only.
    row_fields = {
        "offer_key": "id",
        "hotel_code": "hotelKey",
        "hotel_name": "hotel",
        "hotel_stars": "star",
        "country": "state",
        "resort": "town",
        "departure_city": "townFrom",
        "departure_date": "checkIn",
        "nights": "nights",
        "meal": "meal",
        "room_type": "room",
        "adults": "adult",
        "children": "child",
        "price": "price",
        "currency": "currency",
        "surcharge": "fuelCharge",
    }
