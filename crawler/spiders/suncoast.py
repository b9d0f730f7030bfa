from crawler.spiders.base.paged_html import PagedHtmlSpider


class SuncoastSpider(PagedHtmlSpider):
    name = "suncoast"
    operator_name = "SunCoast Tours"
    sandbox_path = "/suncoast"
    offer_page_price = "p.price::text"
    default_currency = "EUR"
    availability_map = {
        "On request": "on_request",
        "Stop sale": "stop_sale",
        "Sold out": "sold_out",
    }

    offer_selector = "article.tour"
    total_selector = "p.summary::text"
    link_selector = "a.book::attr(href)"
    field_selectors = {
        "offer_key": "::attr(data-tour-id)",
        "hotel_name": ".hotel-name::text",
        "hotel_code": ".hotel-code::text",
        "resort": ".resort::text",
        "country": ".country::text",
        "departure_city": ".departure::text",
        "departure_city_code": ".departure::attr(data-city)",
        "departure_date": "time.date::attr(datetime)",
        "nights": ".nights::text",
        "room_type": ".room::text",
        "meal": ".meal::text",
        "adults": ".party::attr(data-adults)",
        "children": ".party::attr(data-children)",
        "price": ".price::text",
        "availability": ".status::text",
    }
    hotel_page_selector = "a.hotel-page::attr(href)"
    hotel_page_fields = {
        "description": "[itemprop=description]",
        "photos": "img[itemprop=image]::attr(src)",
        "address": "[itemprop=address]::text",
        "phone": "[itemprop=telephone]::text",
        "latitude": "[itemprop=latitude]::attr(content)",
        "longitude": "[itemprop=longitude]::attr(content)",
    }
