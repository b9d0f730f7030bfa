"""What the world's hotels are like: where each stands, its address and phone, what it
offers, and its photos (small pictures drawn here, nothing from the internet).

This is the truth; each demo operator publishes it its own way and with its own slips
(sandbox/operators/): SunCoast on a hotel page, AeroTour as fields of its listing with
coordinates a little off (or 0, 0), Tourvisor's `hotel.php` in Russian with HTML.
"""

import csv
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from fastapi import HTTPException
from fastapi.responses import Response

from sandbox.russian_names import COUNTRIES as RUSSIAN_COUNTRIES
from sandbox.russian_names import RESORTS as RUSSIAN_RESORTS
from sandbox.world import WorldHotel

RESORTS_FILE = Path(__file__).parent / "data" / "resorts.csv"
# What a hotel may offer, in English and as Russian operators write it.
FEATURES = [
    ("an outdoor pool", "открытый бассейн"),
    ("a spa with a hammam", "спа-центр с хамамом"),
    ("a kids' club", "детский клуб"),
    ("a private sandy beach", "собственный песчаный пляж"),
    ("a fitness centre", "фитнес-центр"),
    ("three à la carte restaurants", "три ресторана а-ля карт"),
    ("a water park with slides", "аквапарк с горками"),
    ("tennis courts", "теннисные корты"),
    ("evening shows", "вечерняя анимация"),
]
KINDS = {"Resort": "resort", "Hotel": "hotel", "Resort & Spa": "resort and spa",
         "Beach Resort": "beach resort", "Beach Hotel": "beach hotel", "Club": "club hotel",
         "Suites": "suite hotel"}  # fmt: skip
PHOTO_SUBJECTS = ["Main building", "Pool", "Beach", "Room", "Restaurant", "Garden", "Lobby"]
STREETS = ["Beach Road", "Palm Avenue", "Coastal Street", "Harbour Road", "Sunset Boulevard",
           "Seaside Drive", "Olive Grove Lane", "Coral Street"]  # fmt: skip


@dataclass(frozen=True)
class Resort:
    latitude: float
    longitude: float
    phone_prefix: str


@dataclass(frozen=True)
class HotelFacts:
    latitude: float
    longitude: float
    address: str
    phone: str
    beach_metres: int
    features: tuple[int, ...]  # indexes of FEATURES
    photos: tuple[str, ...]  # what each of the hotel's photos shows


@cache
def resorts() -> dict[str, Resort]:
    with RESORTS_FILE.open(encoding="utf-8") as rows:
        return {
            row["resort"]: Resort(
                float(row["latitude"]), float(row["longitude"]), row["phone_prefix"]
            )
            for row in csv.DictReader(rows)
        }


@cache
def facts(hotel: WorldHotel) -> HotelFacts:
    rng = random.Random(f"content:{hotel.id}:{hotel.name}")
    resort = resorts()[hotel.resort]
    postcode = f"{rng.randrange(10, 99)}{rng.randrange(100, 999)}"
    return HotelFacts(
        latitude=round(resort.latitude + rng.uniform(-0.025, 0.025), 6),
        longitude=round(resort.longitude + rng.uniform(-0.025, 0.025), 6),
        address=f"{rng.randrange(1, 240)} {rng.choice(STREETS)}, {postcode} {hotel.resort}, "
        f"{hotel.country}",
        phone=f"{resort.phone_prefix} {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}",
        beach_metres=rng.choice([0, 50, 100, 150, 300, 500, 800]),
        features=tuple(rng.sample(range(len(FEATURES)), 3)),
        photos=tuple(PHOTO_SUBJECTS[: 3 + hotel.id % 4]),
    )


def description_en(hotel: WorldHotel) -> list[str]:
    """The hotel's description in English, a paragraph a string."""
    known = facts(hotel)
    beach = (
        "right on the beach"
        if known.beach_metres == 0
        else f"{known.beach_metres} m from the beach"
    )
    features = [FEATURES[index][0] for index in known.features]
    return [
        f"{hotel.name} is a {hotel.stars}-star {KINDS.get(hotel.kind, 'hotel')} in {hotel.resort}, "
        f"{hotel.country}, {beach}.",
        f"Guests enjoy {features[0]}, {features[1]} and {features[2]}. Rooms have air "
        "conditioning, a balcony and free Wi-Fi.",
    ]


def description_ru(hotel: WorldHotel) -> list[str]:
    """The hotel's description as a Russian operator writes it."""
    known = facts(hotel)
    beach = "на первой линии" if known.beach_metres == 0 else f"в {known.beach_metres} м от пляжа"
    features = [FEATURES[index][1] for index in known.features]
    resort = RUSSIAN_RESORTS.get(hotel.resort, hotel.resort)
    return [
        f"Отель {hotel.name.upper()} {hotel.stars}* расположен на курорте {resort} "
        f"({RUSSIAN_COUNTRIES[hotel.country_code]}), {beach}.",
        f"К услугам гостей: {features[0]}, {features[1]}, {features[2]}. "
        "В номерах кондиционер, балкон, бесплатный Wi-Fi.",
    ]


def placement_ru(hotel: WorldHotel) -> str:
    """Where the hotel stands, in Tourvisor's words (`placement`)."""
    known = facts(hotel)
    resort = RUSSIAN_RESORTS.get(hotel.resort, hotel.resort)
    line = "первая линия" if known.beach_metres == 0 else f"{known.beach_metres} м до моря"
    return f"Курорт {resort}, {line}"


def photo_svg(hotel: WorldHotel, number: int) -> str:
    """One of the hotel's photos: a small picture with what it shows written on it."""
    subject = facts(hotel).photos[number - 1]
    rng = random.Random(f"photo:{hotel.id}:{number}")
    hue = rng.randrange(360)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="320" viewBox="0 0 480 320">'
        '<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0" stop-color="hsl({hue},70%,72%)"/>'
        f'<stop offset="1" stop-color="hsl({(hue + 40) % 360},60%,38%)"/>'
        '</linearGradient></defs><rect width="480" height="320" fill="url(#g)"/>'
        '<text x="24" y="276" font-family="sans-serif" font-size="30" fill="#fff">'
        f"{escape(subject)}</text>"
        '<text x="24" y="306" font-family="sans-serif" font-size="16" fill="#fff">'
        f"{escape(hotel.name)}</text></svg>"
    )


def photo_response(hotel: WorldHotel | None, number: int) -> Response:
    """A photo as an operator serves it; 404 for a hotel or a number it does not have."""
    if hotel is None or not 1 <= number <= len(facts(hotel).photos):
        raise HTTPException(404, "No such photo")
    return Response(
        photo_svg(hotel, number),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )
