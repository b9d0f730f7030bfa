"""Hotel content as operators write it, read into what the site can show.

Descriptions come as HTML (`<p>`, `<br>`, entities, now and then a `<script>`) or plain
text: Tourscope keeps plain text, paragraphs apart, never markup. Coordinates come as
numbers or text with a decimal comma, sometimes 0, 0 for "unknown". Photo addresses may
be relative or protocol-relative; only http(s) ones are kept. Each reader returns the
clean value, None when the operator gave nothing, or raises `Rejected` with a stable
slug and a message saying why.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from models.catalog.hotel_content import coordinates_problem

MAX_DESCRIPTION = 6000  # characters; a longer text is cut at a word
MAX_ADDRESS = 300  # hotels.address
MAX_PHOTO_URL = 1000
MAX_PHOTOS = 30  # from one operator, for one hotel
# Elements that end a paragraph of text.
_BLOCKS = frozenset({
    "address", "article", "blockquote", "dd", "div", "dl", "dt", "h1", "h2", "h3", "h4",
    "h5", "h6", "li", "ol", "p", "section", "table", "tr", "ul",
})  # fmt: skip
_HIDDEN = frozenset({"script", "style", "template", "noscript", "iframe", "object"})
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&[a-zA-Z]+;|&#\d+;")
_PHONE_CHARACTERS = re.compile(r"^\+?[\d\s().\-/]+$")


class Rejected(ValueError):
    """A value that cannot be kept: `slug` for the crawl's stats, `message` for its log."""

    def __init__(self, slug: str, message: str):
        super().__init__(message)
        self.slug = slug
        self.message = message


class _TextOfHtml(HTMLParser):
    """Collects an HTML fragment's readable text; block elements and <br> end a paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "br" or tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag == "br" or tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def has_markup(text: str) -> bool:
    """Whether `text` holds HTML tags or entities."""
    return bool(_MARKUP.search(text))


def text_of_html(fragment: str) -> str:
    """The readable text of an HTML fragment (or of plain text): paragraphs apart by a
    blank line, spaces collapsed, scripts and styles left out."""
    parser = _TextOfHtml()
    parser.feed(fragment)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", text))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def read_description(raw: str | None) -> str | None:
    """The description as plain text; None when there is none."""
    if raw is None or not str(raw).strip():
        return None
    text = text_of_html(str(raw))
    if not any(char.isalpha() for char in text):
        raise Rejected("description_empty", f"no readable text in {str(raw)[:80]!r}")
    if len(text) > MAX_DESCRIPTION:
        cut = text.rfind(" ", 0, MAX_DESCRIPTION - 1)
        text = text[: cut if cut > 0 else MAX_DESCRIPTION - 1].rstrip() + "…"
    return text


def read_number(raw: str | float | int | None) -> float | None:
    """A coordinate from a number or from text ("36.8841", "36,8841", " 30.7 ")."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise Rejected("coordinates_unreadable", f"{raw!r} is not a number")
    if isinstance(raw, int | float):
        return float(raw)
    try:
        return float(str(raw).strip().replace(",", "."))
    except ValueError:
        raise Rejected("coordinates_unreadable", f"{raw!r} is not a number") from None


def read_location(
    latitude: str | float | None, longitude: str | float | None
) -> tuple[float, float] | None:
    """(latitude, longitude) in degrees; None when the operator gave neither."""
    lat, lon = read_number(latitude), read_number(longitude)
    if lat is None and lon is None:
        return None
    problem = coordinates_problem(lat, lon)
    if problem is not None:
        raise Rejected(
            f"coordinates_{problem}",
            f"coordinates {latitude!r}, {longitude!r} are {problem.replace('_', ' ')}",
        )
    return round(lat, 6), round(lon, 6)


def read_photo_url(raw: object, page_url: str) -> str:
    """An absolute http(s) address of a photo, resolved against the page it was read on."""
    if not isinstance(raw, str) or not raw.strip():
        raise Rejected("photo_unreadable", f"photo {raw!r} is not an address")
    url = urljoin(page_url, raw.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Rejected("photo_not_http", f"photo address {raw.strip()[:80]!r} is not http(s)")
    if len(url) > MAX_PHOTO_URL or any(char.isspace() or ord(char) < 32 for char in url):
        raise Rejected("photo_unreadable", f"photo address {url[:80]!r}... cannot be used")
    return url


def read_address(raw: str | None) -> str | None:
    """The address on one line; None when there is none."""
    if raw is None or not str(raw).strip():
        return None
    address = " ".join(text_of_html(str(raw)).split())
    if not address:
        return None
    if len(address) > MAX_ADDRESS:
        raise Rejected("address_too_long", f"address of {len(address)} characters")
    return address


def read_phone(raw: str | None) -> str | None:
    """The phone number as written, spaces tidied; None when there is none."""
    if raw is None or not str(raw).strip():
        return None
    phone = " ".join(str(raw).split())
    digits = sum(char.isdigit() for char in phone)
    if not _PHONE_CHARACTERS.match(phone) or not 6 <= digits <= 15:
        raise Rejected("phone_unreadable", f"phone {phone[:40]!r} is not a number")
    return phone
