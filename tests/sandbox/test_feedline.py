"""FeedLine's bulk export: a gzip XML file, served from a cache, with HTTP Range support."""

import gzip
import re

from lxml import etree

from sandbox.operators import feedline
from sandbox.profiles import FEEDLINE
from tests.sandbox_truth import catalog

EXPORT = "/feedline/export/offers.xml.gz"


def offers_in(body: bytes) -> tuple[etree._Element, list[dict[str, str]]]:
    root = etree.fromstring(gzip.decompress(body))
    return root, [dict(offer.attrib) for offer in root]


def test_export_is_a_gzip_xml_file_with_one_element_per_offer(sandbox):
    response = sandbox.client.get(EXPORT)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/gzip"
    assert "content-encoding" not in response.headers  # nothing may decompress it on the way
    assert response.headers["accept-ranges"] == "bytes"
    root, offers = offers_in(response.content)
    truth = {offer.key: offer for offer in catalog(sandbox, FEEDLINE).offers()}
    assert root.tag == "offers" and int(root.get("count")) == len(offers) == len(truth) == 300
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", root.get("generated"))
    for attributes in offers:
        expected = truth[attributes["id"]]
        assert (
            attributes["hotel_name_original"] == f"{expected.hotel.name} ({expected.hotel.resort})"
        )
        assert attributes["hotel_name"] == expected.hotel.name.upper()
        assert attributes["stars"] == str(expected.hotel.stars)
        assert (attributes["country"], attributes["resort"]) == (
            expected.hotel.country,
            expected.hotel.resort,
        )
        assert attributes["date"] == expected.departure_date.isoformat()
        assert attributes["meal"] == FEEDLINE.meal_names[expected.meal_code]
        assert attributes["price"] == f"{expected.price:.2f}" and attributes["currency"] == "EUR"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00Z", attributes["updated"])
        stop_sale, seats = attributes["stop_sale"], attributes["seats"]
        assert {
            "available": stop_sale == "0" and seats in {"available", "few"},
            "on_request": stop_sale == "0" and seats == "request",
            "stop_sale": stop_sale == "1",
            "sold_out": stop_sale == "0" and seats == "none",
        }[expected.availability], attributes
    assert {a["seats"] for a in offers} == {"available", "few", "request", "none"}
    assert any("&" in a["hotel_name"] for a in offers)  # "Resort & Spa", escaped and read back


def test_range_requests_are_answered_with_the_right_bytes(sandbox):
    whole = sandbox.client.get(EXPORT).content
    part = sandbox.client.get(EXPORT, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-1099/{len(whole)}"
    assert part.content == whole[100:1100]
    tail = sandbox.client.get(EXPORT, headers={"Range": f"bytes={len(whole) - 10}-99999999"})
    assert tail.status_code == 206 and tail.content == whole[-10:]
    beyond = sandbox.client.get(EXPORT, headers={"Range": f"bytes={len(whole)}-"})
    assert beyond.status_code == 416


def test_export_is_written_once_per_catalogue_state(sandbox):
    first = sandbox.client.get(EXPORT)
    path = feedline.export_file(catalog(sandbox, FEEDLINE))
    written = path.stat().st_mtime_ns
    again = sandbox.client.get(EXPORT)
    assert again.headers["etag"] == first.headers["etag"] and again.content == first.content
    assert path.stat().st_mtime_ns == written

    sandbox.configure("feedline", epoch=1)  # prices move: a new file
    moved = sandbox.client.get(EXPORT)
    assert moved.headers["etag"] != first.headers["etag"]
    assert feedline.export_file(catalog(sandbox, FEEDLINE, epoch=1)) != path
    _, offers = offers_in(moved.content)
    assert 0 < 300 - len(offers) < 40  # some tours sold out


def test_missing_fields_are_left_out_of_the_element(sandbox):
    sandbox.configure("feedline", fault="missing_fields")
    _, offers = offers_in(sandbox.client.get(EXPORT).content)
    nameless = [a for a in offers if "hotel_name" not in a]
    priceless = [a for a in offers if "price" not in a]
    assert len(nameless) == len(priceless) == 15
    assert all("hotel_name_original" not in a for a in nameless)


def test_offer_deep_link(sandbox):
    page = sandbox.client.get("/feedline/offer/FL0000000")
    assert page.status_code == 200 and "FL0000000" in page.text
    assert sandbox.client.get("/feedline/offer/FL9999999").status_code == 404
