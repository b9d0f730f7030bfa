"""A canonical hotel's content, merged from what each of its operators says of it.

Operators describe the same hotel differently: SunCoast's page has an English text and
four photos, Tourvisor's directory a Russian text, six photos and coordinates, AeroTour's
listing coordinates 150 m away (or 0, 0 when it has none). Each operator's word is kept
as it said it (`OperatorHotelContent`, keyed by the operator's hotel code like an alias);
the canonical hotel shows the merge, by these rules:

- **description**: the site is in English, so a text in Latin script comes before one in
  Cyrillic; then the longest (the most said); on a tie, the operator known longest.
- **photos**: every operator's photos, taken in turns (each operator's first, then each
  one's second...), the same address only once, at most `MAX_PHOTOS`; each keeps the
  operator that gave it.
- **location**: coordinates outside the globe's ranges or at 0, 0 (a common "none") are
  ignored. The largest group of operators whose points lie within `AGREE_KM` of one
  another wins, and the hotel stands at the median of that group's latitudes and
  longitudes: one operator's slip cannot move a hotel that two others agree on. On a tie
  (two operators, two places), the group nearer the resort's other hotels wins (a point
  with latitude and longitude swapped lands far from them), and without neighbours to
  ask, the operator known longest.
- **address** and **phone**: the one most operators give (addresses compared without
  case and punctuation, phones by their digits); on a tie, an address in Latin script,
  then the longest, then the operator known longest.

`refresh_hotel_content` recomputes hotels from their aliases' content, so a merge gives
the surviving hotel the union, a split-off alias takes its content with it, and a crawl
that carries no content changes nothing. Callers own the transaction.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from models.catalog.display_names import is_mostly_cyrillic
from models.catalog.hotels import Hotel, HotelAlias, Operator, OperatorHotelContent

MAX_PHOTOS = 12  # a hotel page shows a small gallery, not an operator's whole archive
AGREE_KM = 1.0  # two operators' points closer than this name the same place
CONTENT_FIELDS = ("description", "photos", "latitude", "longitude", "address", "phone")
_CHUNK = 500  # ids per IN (...) list
_EARTH_KM = 6371.0


@dataclass(frozen=True)
class OperatorContent:
    """One operator's (validated) content of one hotel."""

    operator_id: int
    description: str | None = None
    photos: tuple[str, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class MergedContent:
    """A canonical hotel's content, with the operators each part came from."""

    description: str | None = None
    photos: list[dict[str, Any]] = field(default_factory=list)  # {"url", "operator_id"}
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    phone: str | None = None
    sources: dict[str, Any] = field(default_factory=dict)


def coordinates_problem(latitude: float | None, longitude: float | None) -> str | None:
    """Why a point cannot be a hotel's location, or None when it can."""
    if latitude is None or longitude is None:
        return "incomplete"
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return "unreadable"
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return "out_of_range"
    if abs(latitude) < 1e-6 and abs(longitude) < 1e-6:
        return "zero"  # 0, 0 is in the Gulf of Guinea: an operator's "unknown"
    return None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two points; flat-earth is exact enough within a resort."""
    mean_latitude = math.radians((a[0] + b[0]) / 2)
    dx = math.radians(b[1] - a[1]) * math.cos(mean_latitude)
    dy = math.radians(b[0] - a[0])
    return _EARTH_KM * math.hypot(dx, dy)


def merge_content(
    contents: Sequence[OperatorContent], neighbours: tuple[float, float] | None = None
) -> MergedContent:
    """The hotel's content by the module's rules; `contents` in operator precedence
    (the operator known longest first), which breaks ties; `neighbours` is where the
    resort's other hotels stand (their median), when any is located."""
    sources: dict[str, Any] = {}
    description, source = _description(contents)
    if source is not None:
        sources["description"] = source
    location = _location(contents, neighbours)
    latitude = longitude = None
    if location is not None:
        latitude, longitude, sources["location"] = location
    address, source = _most_given(contents, "address", _text_key, _address_order)
    if source:
        sources["address"] = source
    phone, source = _most_given(contents, "phone", _digits, lambda value: ())
    if source:
        sources["phone"] = source
    return MergedContent(
        description=description,
        photos=_photos(contents),
        latitude=latitude,
        longitude=longitude,
        address=address,
        phone=phone,
        sources=sources,
    )


def _description(contents: Sequence[OperatorContent]) -> tuple[str | None, int | None]:
    candidates = [
        (content.description, content.operator_id, rank)
        for rank, content in enumerate(contents)
        if content.description
    ]
    if not candidates:
        return None, None
    text, operator_id, _ = min(
        candidates, key=lambda c: (is_mostly_cyrillic(c[0]), -len(c[0]), c[2])
    )
    return text, operator_id


def _photos(contents: Sequence[OperatorContent]) -> list[dict[str, Any]]:
    """Each operator's photos in turns, the same address once, at most MAX_PHOTOS."""
    merged: list[dict[str, Any]] = []
    seen: set[str] = set()
    longest = max((len(content.photos) for content in contents), default=0)
    for turn in range(longest):
        for content in contents:
            if turn >= len(content.photos):
                continue
            url = content.photos[turn]
            key = _photo_key(url)
            if key in seen:
                continue
            seen.add(key)
            merged.append({"url": url, "operator_id": content.operator_id})
            if len(merged) == MAX_PHOTOS:
                return merged
    return merged


def _photo_key(url: str) -> str:
    """One photo's identity: the address without case in the host or a #fragment."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def _location(
    contents: Sequence[OperatorContent], neighbours: tuple[float, float] | None
) -> tuple[float, float, list[int]] | None:
    points = [
        (content.latitude, content.longitude, content.operator_id, rank)
        for rank, content in enumerate(contents)
        if coordinates_problem(content.latitude, content.longitude) is None
    ]
    if not points:
        return None
    groups = [
        [other for other in points if distance_km(point[:2], other[:2]) <= AGREE_KM]
        for point in points
    ]

    def centre(group) -> tuple[float, float]:
        return (
            round(median(point[0] for point in group), 6),
            round(median(point[1] for point in group), 6),
        )

    def preference(group) -> tuple:
        remoteness = distance_km(centre(group), neighbours) if neighbours else 0.0
        return (len(group), -remoteness, -min(point[3] for point in group))

    best = max(groups, key=preference)
    return *centre(best), sorted({point[2] for point in best})


def _most_given(
    contents: Sequence[OperatorContent],
    name: str,
    key: Callable[[str], str],
    order: Callable[[str], tuple],
) -> tuple[str | None, list[int]]:
    """The value of `name` most operators give (compared by `key`; ties by `order`, then
    the operator known longest), and the operators that give it."""
    given: dict[str, list[tuple[int, str, int]]] = {}
    for rank, content in enumerate(contents):
        value = getattr(content, name)
        if value and key(value):
            given.setdefault(key(value), []).append((rank, value, content.operator_id))
    if not given:
        return None, []
    holders = max(
        given.values(),
        key=lambda holders: (len(holders), *order(holders[0][1]), -holders[0][0]),
    )
    # Of the same value written several ways, one not in capitals, from the earliest.
    _, value, _ = min(holders, key=lambda holder: (holder[1].isupper(), holder[0]))
    return value, sorted({operator_id for _, _, operator_id in holders})


def _address_order(address: str) -> tuple:
    return (not is_mostly_cyrillic(address), len(address))


def _text_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return digits.removeprefix("00")


# -- storage ---------------------------------------------------------------------------


def save_operator_content(
    session: Session,
    operator_id: int,
    hotel_code: str,
    content: Mapping[str, Any],
    now: datetime,
) -> bool:
    """Keep what the operator said of one hotel; True when anything changed.

    Fields it gave replace the earlier ones (a new photo list replaces the old list);
    fields it left out keep their values, so a partial answer never wipes content. The
    answer counts as a check even when it said nothing new (`checked_at`).
    """
    row = session.scalar(
        select(OperatorHotelContent).where(
            OperatorHotelContent.operator_id == operator_id,
            OperatorHotelContent.operator_hotel_code == hotel_code,
        )
    )
    if row is None:
        row = OperatorHotelContent(
            operator_id=operator_id,
            operator_hotel_code=hotel_code,
            photos=[],
            checked_at=now,
            changed_at=now,
        )
        session.add(row)
    changed = False
    for name in CONTENT_FIELDS:
        value = content.get(name)
        if value is None or (name == "photos" and not value):
            continue
        if name == "photos":
            value = list(value)
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    row.checked_at = now
    if changed:
        row.changed_at = now
    session.flush()
    return changed


def content_checked_at(session: Session, operator_code: str) -> dict[str, datetime]:
    """When the operator last answered about each of its hotels, by its hotel code."""
    rows = session.execute(
        select(OperatorHotelContent.operator_hotel_code, OperatorHotelContent.checked_at)
        .join(Operator, Operator.id == OperatorHotelContent.operator_id)
        .where(Operator.code == operator_code)
    )
    return {code: when for code, when in rows}


def hotels_of_codes(session: Session, operator_id: int, hotel_codes: Iterable[str]) -> set[int]:
    """The canonical hotels the operator's hotel codes are aliases of (now)."""
    codes = list(set(hotel_codes))
    hotel_ids: set[int] = set()
    for start in range(0, len(codes), _CHUNK):
        hotel_ids.update(
            session.scalars(
                select(HotelAlias.hotel_id).where(
                    HotelAlias.operator_id == operator_id,
                    HotelAlias.operator_hotel_code.in_(codes[start : start + _CHUNK]),
                )
            )
        )
    return hotel_ids


def refresh_hotel_content(session: Session, hotel_ids: Iterable[int]) -> int:
    """Merge these hotels' content anew from their aliases' operators; returns how many
    hotels changed. A hotel left without content (merged away, say) is cleared."""
    ids = sorted(set(hotel_ids))
    changed = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        contents: dict[int, list[OperatorContent]] = {}
        rows = session.execute(
            select(HotelAlias.hotel_id, OperatorHotelContent)
            .join(
                OperatorHotelContent,
                and_(
                    OperatorHotelContent.operator_id == HotelAlias.operator_id,
                    OperatorHotelContent.operator_hotel_code == HotelAlias.operator_hotel_code,
                ),
            )
            .where(HotelAlias.hotel_id.in_(chunk))
            .order_by(HotelAlias.hotel_id, HotelAlias.operator_id, HotelAlias.id)
        )
        for hotel_id, row in rows:
            contents.setdefault(hotel_id, []).append(
                OperatorContent(
                    operator_id=row.operator_id,
                    description=row.description,
                    photos=tuple(row.photos or ()),
                    latitude=row.latitude,
                    longitude=row.longitude,
                    address=row.address,
                    phone=row.phone,
                )
            )
        hotels = list(session.scalars(select(Hotel).where(Hotel.id.in_(chunk))))
        located = _located_hotels(session, {hotel.resort_id for hotel in hotels})
        for hotel in hotels:
            neighbours = [
                point
                for hotel_id, *point in located.get(hotel.resort_id, ())
                if hotel_id != hotel.id
            ]
            centre = (
                (median(p[0] for p in neighbours), median(p[1] for p in neighbours))
                if neighbours
                else None
            )
            if _apply(hotel, merge_content(contents.get(hotel.id, []), centre)):
                changed += 1
    session.flush()
    return changed


def _located_hotels(
    session: Session, resort_ids: set[int]
) -> dict[int, list[tuple[int, float, float]]]:
    """The located hotels of these resorts: (hotel id, latitude, longitude) by resort."""
    located: dict[int, list[tuple[int, float, float]]] = {}
    rows = session.execute(
        select(Hotel.resort_id, Hotel.id, Hotel.latitude, Hotel.longitude).where(
            Hotel.resort_id.in_(resort_ids), Hotel.latitude.is_not(None)
        )
    )
    for resort_id, hotel_id, latitude, longitude in rows:
        located.setdefault(resort_id, []).append((hotel_id, latitude, longitude))
    return located


def _apply(hotel: Hotel, merged: MergedContent) -> bool:
    values = {
        "description": merged.description,
        "photos": merged.photos,
        "latitude": merged.latitude,
        "longitude": merged.longitude,
        "address": merged.address,
        "phone": merged.phone,
        "content_sources": merged.sources,
    }
    changed = False
    for name, value in values.items():
        if getattr(hotel, name) != value:
            setattr(hotel, name, value)
            changed = True
    return changed
