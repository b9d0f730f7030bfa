from crawler.spiders.base.bulk_xml import BulkXmlFeedSpider


class FeedlineSpider(BulkXmlFeedSpider):
    name = "feedline"
    operator_name = "FeedLine Holidays"
    sandbox_path = "/feedline"
    offer_page_price = "p.price::text"
    default_currency = "EUR"
    date_formats = ("%Y-%m-%d",)
    availability_flags = {"stop_sale": "stop_sale"}
    availability_map = {"request": "on_request", "none": "sold_out"}

    feed_path = "/export/offers.xml.gz"
    link_template = "/offer/{id}"
    field_attributes = {
        "offer_key": "id",
        "hotel_code": "hotel_code",
        # The feed's normalized spelling; the original carries the resort in brackets.
        "hotel_name": "hotel_name",
        "hotel_stars": "stars",
        "country": "country",
        "resort": "resort",
        "departure_city": "departure",
        "departure_date": "date",
        "nights": "nights",
        "meal": "meal",
        "room_type": "room",
        "adults": "adults",
        "children": "children",
        "price": "price",
        "currency": "currency",
        "surcharge": "surcharge",
        "availability": "seats",
    }
