"""How each demo operator writes the world: hotel names and codes, meal words, currency.

Every operator covers an overlapping share of the world's hotels and spells the same
hotel its own way, as real operators do: stars in the name, upper case, transliteration
from Russian, abbreviations, the "Resort & Spa" dropped or moved, "&" written "and".
"""

from sandbox.catalog import OperatorProfile
from sandbox.world import WorldHotel

# Spellings that come back from a round trip through Cyrillic.
_TRANSLITERATED = {
    "Palace": "Palas",
    "Rixos": "Riksos",
    "Villa": "Vila",
    "Royal": "Roial",
    "Crystal": "Kristal",
    "Majestic": "Madzhestik",
    "Harbour": "Harbor",
    "Heights": "Heits",
    "Club": "Klub",
}
_ABBREVIATIONS = {
    "Resort & Spa": "Res.&Spa",
    "Beach Resort": "Bch Res.",
    "Beach Hotel": "Bch Htl",
    "Resort": "Res.",
    "Hotel": "Htl",
    "Suites": "Ste",
    "Club": "Clb",
}


def _code(prefix: str, hotel: WorldHotel, multiplier: int, width: int = 5) -> str:
    # Opaque but stable codes: nothing in them points at the world's hotel ids.
    return f"{prefix}{(hotel.id * multiplier + 17) % 10**width:0{width}d}"


def _transliterate(word: str) -> str:
    return _TRANSLITERATED.get(word, word)


def _typo(word: str, hotel: WorldHotel, salt: int) -> str:
    """About one hotel in fifteen gets a typo in this word: a letter dropped or doubled."""
    roll = (hotel.id * 2654435761 + salt * 40503) % 1000
    if roll >= 66 or len(word) < 5:
        return word
    at = 1 + roll % (len(word) - 2)
    return word[:at] + word[at + 1 :] if roll % 2 else word[:at] + word[at] + word[at:]


SUNCOAST = OperatorProfile(
    code="suncoast",
    name="SunCoast Tours",
    currency="EUR",
    rate=1.0,
    price_factor=1.0,
    hotel_share=70,
    hotel_code=lambda h: _code("SC", h, 7919),
    hotel_name=lambda h: f"{h.name} {h.stars}*",
    meal_names={
        "RO": "Room Only",
        "BB": "Bed & Breakfast",
        "HB": "Half Board",
        "FB": "Full Board",
        "AI": "All Inclusive",
        "UAI": "Ultra All Inclusive",
    },
    key_prefix="SC-",
)

AEROTOUR = OperatorProfile(
    code="aerotour",
    name="AeroTour",
    currency="RUB",
    rate=98.0,
    price_factor=0.97,
    hotel_share=65,
    hotel_code=lambda h: str((h.id * 104729 + 31) % 900000 + 100000),
    hotel_name=lambda h: " ".join(
        [_transliterate(h.first), _transliterate(_typo(h.second, h, 1)), h.kind.replace("&", "AND")]
    ).upper(),
    meal_names={
        "RO": "RO|Без питания",
        "BB": "BB|Завтраки",
        "HB": "HB|Завтрак и ужин",
        "FB": "FB|Полный пансион",
        "AI": "AI|Все включено",
        "UAI": "UAI|Ультра все включено",
    },
    key_prefix="AT",
)

SAMO = OperatorProfile(
    code="samotravel",
    name="Samo Travel",
    currency="USD",
    rate=1.09,
    price_factor=1.02,
    hotel_share=60,
    hotel_code=lambda h: str((h.id * 6151 + 3) % 90000 + 10000),
    hotel_name=lambda h: (
        f"{_typo(h.first, h, 2)} {h.second} {_ABBREVIATIONS.get(h.kind, h.kind)} {h.stars}*"
    ),
    meal_names={"RO": "RO", "BB": "BB", "HB": "HB", "FB": "FB", "AI": "AI", "UAI": "UAI"},
    key_prefix="ST",
)

FEEDLINE = OperatorProfile(
    code="feedline",
    name="FeedLine Holidays",
    currency="EUR",
    rate=1.0,
    price_factor=0.99,
    hotel_share=75,
    hotel_code=lambda h: _code("FL-", h, 3571, width=6),
    # The feed's "original" name; it also carries a normalized one (see the operator).
    hotel_name=lambda h: f"{h.name} ({h.resort})",
    meal_names={
        "RO": "Room only",
        "BB": "Breakfast",
        "HB": "Half board",
        "FB": "Full board",
        "AI": "All inclusive",
        "UAI": "Ultra all inclusive",
    },
    key_prefix="FL",
)

PRICELIST = OperatorProfile(
    code="pricelist",
    name="Pricelist Travel",
    currency="GBP",
    rate=0.85,
    price_factor=1.04,
    hotel_share=55,
    hotel_code=lambda h: _code("PL", h, 2837, width=4),
    # Price lists drop the kind of hotel unless it is just a "Hotel", which comes first.
    hotel_name=lambda h: (
        f"Hotel {h.first} {_typo(h.second, h, 3)}"
        if h.kind == "Hotel"
        else f"{h.first} {_typo(h.second, h, 3)}"
    ),
    meal_names={
        "RO": "Room only",
        "BB": "Bed & Breakfast",
        "HB": "Half Board",
        "FB": "Full Board",
        "AI": "ALL INCL",
        "UAI": "Ultra All",
    },
    key_prefix="PL",
)

MEDITERRA = OperatorProfile(
    code="mediterra",
    name="Mediterra Voyages",
    currency="EUR",
    rate=1.0,
    price_factor=1.01,
    hotel_share=60,
    hotel_code=lambda h: f"{h.first}-{h.second}-{h.id % 97}".lower(),
    hotel_name=lambda h: f"{h.first} {h.second} {h.kind.replace('&', 'and')}",
    meal_names={
        "RO": "Logement seul",
        "BB": "Petit-déjeuner",
        "HB": "Demi-pension",
        "FB": "Pension complète",
        "AI": "Tout compris",
        "UAI": "Ultra tout compris",
    },
    key_prefix="MV",
)

PROFILES = {p.code: p for p in (SUNCOAST, AEROTOUR, SAMO, FEEDLINE, PRICELIST, MEDITERRA)}
