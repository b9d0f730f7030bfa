"""Map a protocol operator's reference values to Tourscope's codes.

Countries to ISO codes and departures to IATA city codes (crawler/parsing/geo.py), meal
plans to RO/BB/HB/FB/AI/UAI, star classes to 1-5, and regions to the Latin resort name
the catalogue files hotels under: a Cyrillic region ("Хургада") is looked up in the
resort gazetteer, else romanized. A value that maps to nothing keeps code None: it is
stored, counted in the crawl's stats and shown on the crawl-health page.
"""

import re

from crawler.parsing.geo import country_code, departure_city_code, place_key
from crawler.parsing.meals import normalize_meal
from crawler.parsing.resorts import resort_index
from tourscope.foundation.spelling import has_cyrillic, to_latin

# "о. Родос", "о-в Крит", "остров Бали": Russian operators name islands with the word.
_ISLAND_PREFIX = re.compile(r"^(о\.|о-в|остров|isl\.|island of)\s*", re.IGNORECASE)
# A star class: "5", "5*", "4 *", "3+*", "5 stars", "5 звезд"; not "HV-1" or "Apts".
_STAR_CLASS = re.compile(r"^\s*([1-5])\s*\+?\s*(\*+|★|stars?|звезд\w*)?\s*$", re.IGNORECASE)


def resort_name(country: str | None, name: str) -> str:
    """The resort's name as the catalogue writes it (English where the gazetteer knows it)."""
    name = " ".join(name.split())
    gazetteer = resort_index()
    for spelling in (name, _ISLAND_PREFIX.sub("", name)):
        known = gazetteer.get((country or "", place_key(spelling)))
        if known:
            return known
    return to_latin(name) if has_cyrillic(name) else name


def map_reference(kind: str, name: str, country: str | None = None) -> str | None:
    """Tourscope's code for an operator's reference value, or None when it has none."""
    if kind == "country":
        return country_code(name)
    if kind == "departure":
        return departure_city_code(name)
    if kind == "meal":
        return normalize_meal(name)
    if kind == "stars":
        match = _STAR_CLASS.match(name)
        if match:
            return match.group(1)
        stripped = name.strip()
        return (
            str(len(stripped))
            if stripped and set(stripped) <= {"*", "★"} and len(stripped) <= 5
            else None
        )
    if kind == "region":
        return resort_name(country, name) if country else None
    return None
