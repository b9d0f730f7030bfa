from crawler.spiders.base.price_list import CsvPriceListSpider


class PricelistSpider(CsvPriceListSpider):
    name = "pricelist"
    operator_name = "Pricelist Travel"
    sandbox_path = "/pricelist"
    offer_page_price = "p.price::text"
    date_formats = ("%d/%m/%Y",)
    default_currency = "GBP"
    surcharge_included = False  # the "fuel" column comes on top of "price"
    availability_map = {"Request": "on_request", "Stop": "stop_sale", "Sold out": "sold_out"}

    file_path = "/prices.csv"
    delimiter = ";"
    footer_pattern = r"# END OF PRICE LIST;(\d+) rows"
    columns = {
        "offer_key": "tour_id",
        "hotel_code": "hotel_code",
        "hotel_name": "hotel",
        "hotel_stars": "stars",
        "country": "country",
        "resort": "resort",
        "departure_city": "from",
        "departure_date": "date",
        "nights": "nights",
        "room_type": "room",
        "meal": "board",
        "adults": "adults",
        "children": "children",
        "price": "price",
        "surcharge": "fuel",
        "currency": "currency",
        "availability": "status",
    }
