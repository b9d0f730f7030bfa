"""Reading hotel content the way operators write it: HTML descriptions become text, bad
coordinates, photo addresses and phones are refused with a reason."""

import pytest

from crawler.parsing.hotel_content import (
    Rejected,
    read_address,
    read_description,
    read_location,
    read_phone,
    read_photo_url,
)

PAGE = "https://operator.example/hotels/page.html"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("A quiet hotel.", "A quiet hotel."),
        (
            "<p>First line.</p><p>Second&nbsp;line &amp; more.</p>",
            "First line.\n\nSecond line & more.",
        ),
        ("Одна строка<br>Вторая  строка<br/>", "Одна строка\n\nВторая строка"),
        ("<div>Pool<script>alert('x')</script> and spa</div>", "Pool and spa"),
        ("<p onclick='steal()'>Sea view</p><style>p{}</style>", "Sea view"),
        ("  \n ", None),
        (None, None),
    ],
)
def test_a_description_is_kept_as_plain_text_never_markup(raw, text):
    assert read_description(raw) == text


def test_a_description_with_nothing_readable_is_refused():
    with pytest.raises(Rejected) as refused:
        read_description("<img src=x><br><br>")
    assert refused.value.slug == "description_empty"


def test_a_very_long_description_is_cut_at_a_word():
    text = read_description("word " * 3000)
    assert len(text) <= 6000 and text.endswith("word…")


@pytest.mark.parametrize(
    ("latitude", "longitude", "location"),
    [
        ("36.884123", "30.705612", (36.884123, 30.705612)),
        ("36,8841", "30,7056", (36.8841, 30.7056)),  # a decimal comma, as Russian APIs write
        (36.8841, 30.7056, (36.8841, 30.7056)),
        (-33.9, -18.4, (-33.9, -18.4)),
        (None, None, None),
        ("", "", None),
    ],
)
def test_coordinates_are_read_from_numbers_or_text(latitude, longitude, location):
    assert read_location(latitude, longitude) == location


@pytest.mark.parametrize(
    ("latitude", "longitude", "slug"),
    [
        ("0", "0", "coordinates_zero"),
        (0.0, 0.0, "coordinates_zero"),
        ("98.39", "7.88", "coordinates_out_of_range"),
        ("36.8", "190.1", "coordinates_out_of_range"),
        ("36.8", None, "coordinates_incomplete"),
        ("north", "30.7", "coordinates_unreadable"),
        ("nan", "30.7", "coordinates_unreadable"),
        (True, 30.7, "coordinates_unreadable"),
    ],
)
def test_bad_coordinates_are_refused_with_their_reason(latitude, longitude, slug):
    with pytest.raises(Rejected) as refused:
        read_location(latitude, longitude)
    assert refused.value.slug == slug


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("https://img.example/a.jpg", "https://img.example/a.jpg"),
        ("/photos/1.jpg", "https://operator.example/photos/1.jpg"),
        ("//static.example/h/1.jpg", "https://static.example/h/1.jpg"),
        ("  big/2.jpg ", "https://operator.example/hotels/big/2.jpg"),
    ],
)
def test_photo_addresses_become_absolute_http_ones(raw, url):
    assert read_photo_url(raw, PAGE) == url


@pytest.mark.parametrize(
    ("raw", "slug"),
    [
        ("javascript:alert(1)", "photo_not_http"),
        ("data:image/gif;base64,R0lGODlhAQABAAAAACw=", "photo_not_http"),
        ("ftp://files.example/1.jpg", "photo_not_http"),
        ("https://img.example/a b.jpg", "photo_unreadable"),
        ({"url": None}, "photo_unreadable"),
        ("", "photo_unreadable"),
    ],
)
def test_photo_addresses_that_are_not_http_are_refused(raw, slug):
    with pytest.raises(Rejected) as refused:
        read_photo_url(raw, PAGE)
    assert refused.value.slug == slug


def test_an_address_is_one_tidy_line():
    assert read_address("12 Beach Road,<br> Kemer,\n Turkey") == "12 Beach Road, Kemer, Turkey"
    assert read_address(" ") is None
    with pytest.raises(Rejected):
        read_address("x" * 400)


@pytest.mark.parametrize(
    ("raw", "phone"),
    [("+90 242  555 0123", "+90 242 555 0123"), ("(242) 555-01-23", "(242) 555-01-23"), ("", None)],
)
def test_phones_are_kept_as_written(raw, phone):
    assert read_phone(raw) == phone


@pytest.mark.parametrize("raw", ["call us", "+1", "12345678901234567890", "555 0123 ext. 5"])
def test_what_is_not_a_phone_number_is_refused(raw):
    with pytest.raises(Rejected) as refused:
        read_phone(raw)
    assert refused.value.slug == "phone_unreadable"
