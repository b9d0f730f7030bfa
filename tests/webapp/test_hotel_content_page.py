"""The hotel page's content from the operators' directories: photos, description and
location when some operator gave them, nothing when none did; the same in the API."""

import re

import pytest
from sqlalchemy.orm import Session

from models import Hotel
from tests.factories import (
    give_content,
    make_alias,
    make_country,
    make_hotel,
    make_operator,
    make_resort,
)
from tests.webapp.pages import main_text


@pytest.fixture
def described(session: Session) -> Hotel:
    """Kemer Garden: SunCoast gave a description and photos, Tourvisor photos, coordinates
    and a phone. Its neighbour has no content at all."""
    kemer = make_resort(session, make_country(session, "TR", "Turkey"), "Kemer")
    hotel = make_hotel(session, kemer, "Kemer Garden", 4)
    make_hotel(session, kemer, "Plain Hotel", 3)
    suncoast = make_operator(session, "suncoast", "SunCoast Tours")
    tourvisor = make_operator(session, "tourvisor", "Tourvisor")
    give_content(
        session,
        make_alias(session, suncoast, hotel, "SC-7", "Kemer Garden 4*"),
        description="A garden hotel by the sea.\n\nThree pools & a <b>spa</b>.",
        photos=["https://sc.example/photos/1.jpg", "https://sc.example/photos/2.jpg"],
        address="12 Beach Road, 07980 Kemer, Turkey",
    )
    give_content(
        session,
        make_alias(session, tourvisor, hotel, "1188", "KEMER GARDEN"),
        photos=["https://static.tv.example/1188/1.jpg"],
        latitude=36.60124,
        longitude=30.560088,
        phone="+90 242 555 0123",
    )
    session.commit()
    return hotel


def images(html: str) -> list[str]:
    return re.findall(r"<img [^>]*>", html)


def test_the_page_shows_the_operators_photos_lazily_with_their_source(client, described):
    html = client.get(f"/hotels/{described.id}").text

    imgs = images(html)
    assert [re.search(r'src="([^"]+)"', img).group(1) for img in imgs] == [
        "https://sc.example/photos/1.jpg",
        "https://static.tv.example/1188/1.jpg",
        "https://sc.example/photos/2.jpg",
    ]
    assert 'alt="Kemer Garden, photo 1 of 3, from SunCoast Tours"' in imgs[0]
    assert 'alt="Kemer Garden, photo 2 of 3, from Tourvisor"' in imgs[1]
    assert 'loading="eager"' in imgs[0]
    assert all('loading="lazy"' in img for img in imgs[1:])
    # Each photo also opens full size by a plain link: no script is needed anywhere.
    assert '<a href="https://sc.example/photos/2.jpg"' in html
    assert "<script" not in html


def test_the_page_shows_the_location_with_a_link_to_openstreetmap(client, described):
    html = client.get(f"/hotels/{described.id}").text
    text = main_text(html)

    assert "Location 12 Beach Road, 07980 Kemer, Turkey" in text
    assert "36.60124° N, 30.56009° E" in text
    assert "Phone: +90 242 555 0123" in text
    link = re.search(r'<a class="map-link" href="([^"]+)"', html).group(1)
    assert link == (
        "https://www.openstreetmap.org/?mlat=36.601240&amp;mlon=30.560088"
        "#map=16/36.601240/30.560088"
    )
    # No map tiles, no third-party script or style: the page works offline.
    assert "tile" not in html and "unpkg" not in html and "leaflet" not in html.lower()


def test_the_description_is_shown_as_text_in_paragraphs(client, described):
    html = client.get(f"/hotels/{described.id}").text

    assert "<p>A garden hotel by the sea.</p>" in html
    # Text that looks like markup is shown as written, never run as HTML.
    assert "<p>Three pools &amp; a &lt;b&gt;spa&lt;/b&gt;.</p>" in html
    assert "Description by SunCoast Tours." in main_text(html)


def test_a_hotel_no_operator_described_shows_none_of_it(client, described, session):
    plain = session.query(Hotel).filter_by(name="Plain Hotel").one()
    html = client.get(f"/hotels/{plain.id}").text
    text = main_text(html)

    assert images(html) == []
    assert "openstreetmap" not in html
    assert "About the hotel" not in text and "Location" not in text and "Phone" not in text
    assert "Plain Hotel" in text


def test_the_api_gives_the_hotels_content(client, described, session):
    hotel = client.get(f"/api/hotels/{described.id}").json()["hotel"]

    assert hotel["description"].startswith("A garden hotel by the sea.")
    assert hotel["description_operator"] == "SunCoast Tours"
    assert hotel["photos"][1] == {
        "url": "https://static.tv.example/1188/1.jpg",
        "operator_name": "Tourvisor",
    }
    assert hotel["location"] == {"latitude": 36.60124, "longitude": 30.560088}
    assert (hotel["address"], hotel["phone"]) == (
        "12 Beach Road, 07980 Kemer, Turkey",
        "+90 242 555 0123",
    )
    plain = session.query(Hotel).filter_by(name="Plain Hotel").one()
    bare = client.get(f"/api/hotels/{plain.id}").json()["hotel"]
    assert (bare["description"], bare["photos"], bare["location"], bare["address"]) == (
        None,
        [],
        None,
        None,
    )


def test_a_crawled_hotels_page_shows_photos_its_operator_serves(client, crawl, sandbox, session):
    result = crawl("suncoast", env={"TOURSCOPE_HOTEL_CONTENT_REQUESTS": "3"})
    assert result.returncode == 0, result.stdout + result.stderr
    session.expire_all()
    hotel = session.query(Hotel).filter(Hotel.description.is_not(None)).first()
    html = client.get(f"/hotels/{hotel.id}").text

    sources = [re.search(r'src="([^"]+)"', img).group(1) for img in images(html)]
    assert sources and all(src.startswith(f"{sandbox.url}/suncoast/photos/") for src in sources)
    photo = sandbox.client.get(sources[0])
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/svg+xml"
    assert hotel.description.split("\n\n")[0] in main_text(html)
