"""Hotel names reduced to what identifies the hotel, so operators' spellings compare.

"GOLDEN SANDS RESORT AND SPA", "Golden Sands Res.&Spa 4*", "Hotel Golden Sands" and
"Golden Sands Resort & Spa (Side)" all come down to the core "golden sands".
"""

import re

from crawler.parsing.names import clean_hotel_name, match_key

# Operators' abbreviations, expanded before comparison.
ABBREVIATIONS = {
    "res": "resort",
    "bch": "beach",
    "htl": "hotel",
    "ste": "suites",
    "clb": "club",
    "pal": "palace",
    "gdn": "garden",
    "vlg": "village",
}
# Spellings that come back from a round trip through Cyrillic, mapped to the Latin ones.
TRANSLITERATIONS = {
    "palas": "palace",
    "riksos": "rixos",
    "vila": "villa",
    "roial": "royal",
    "kristal": "crystal",
    "madzhestik": "majestic",
    "harbor": "harbour",
    "heits": "heights",
    "klub": "club",
    "otel": "hotel",
}
# Words that say what kind of place it is, not which one.
KIND_WORDS = {"hotel", "resort", "spa", "beach", "club", "suites", "and", "the", "apartments"}
_BRACKETS = re.compile(r"\([^)]*\)")


def name_tokens(name: str) -> list[str]:
    """Comparable tokens: stars and brackets removed, abbreviations and spellings unified."""
    name, _ = clean_hotel_name(_BRACKETS.sub(" ", name))
    tokens = match_key(name).split()
    tokens = [ABBREVIATIONS.get(token, token) for token in tokens]
    return [TRANSLITERATIONS.get(token, token) for token in tokens]


def core_name(name: str) -> str:
    """The identifying part of a hotel name, e.g. "golden sands"."""
    tokens = name_tokens(name)
    core = [token for token in tokens if token not in KIND_WORDS]
    return " ".join(core or tokens)


def full_name(name: str) -> str:
    return " ".join(name_tokens(name))
