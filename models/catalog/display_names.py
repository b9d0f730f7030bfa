"""The name a canonical hotel is shown under: the cleanest of its operators' spellings.

Operators write the same hotel "CLUB DUNES 4*", "Club Dunes Clb (Side)" and "Клаб Дюнс";
the visitor should read "Club Dunes". Of every alias's spelling, with stars and bracketed
places removed, the display name is the one without abbreviations, in Latin letters, in
natural case and the most informative (longest), in that order of importance. A spelling
in all capitals is title-cased, and used only when no spelling has natural case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.catalog.hotels import Hotel, HotelAlias

MAX_NAME = 200  # hotels.name

# Operators' shorthand for hotel words: a spelling using one is not the hotel's full name.
ABBREVIATIONS = {
    "apt",
    "apts",
    "bch",
    "clb",
    "gdn",
    "grd",
    "htl",
    "pal",
    "res",
    "rst",
    "ste",
    "sts",
    "vlg",
    "vil",
}
# Star ratings in their many spellings: "4*", "4 *", "****", "5 stars", "4 зв.", "3+*".
_STARS = re.compile(
    r"\b\d\s*\+?\s*\*+|\*+|\b\d\s*(?:stars?\b|зв[её]зд\w*|зв\b\.?)|\bHV-?\d\b",
    re.IGNORECASE,
)
# A resort or operator note in brackets: "(Side)", "[Kemer]".
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
# Joining words kept in lower case when a spelling in capitals is title-cased.
_SMALL_WORDS = {"and", "of", "by", "at", "on", "the", "in", "de", "del", "la", "le", "du"}


def display_name(spellings: Iterable[str]) -> str:
    """The cleanest full spelling of a hotel's name among its operators' spellings."""
    cleaned = {clean for clean in (_without_noise(raw) for raw in spellings) if clean}
    if not cleaned:
        return ""
    best = min(cleaned, key=_untidiness)
    if _lacks_natural_case(best):
        best = _title_case(best)
    return best[:MAX_NAME]


def _without_noise(spelling: str) -> str:
    """The spelling without stars, bracketed notes and stray punctuation at its ends."""
    text = _STARS.sub(" ", _BRACKETS.sub(" ", spelling))
    return _SPACES.sub(" ", text).strip(" -,.;:/|")


def _untidiness(name: str) -> tuple:
    """Sort key: the tidiest spelling first; ties go to the longest, then alphabetically."""
    return (
        _has_abbreviation(name),
        is_mostly_cyrillic(name),
        _lacks_natural_case(name),
        -len(name),
        name,
    )


def _has_abbreviation(name: str) -> bool:
    return any(word.lower() in ABBREVIATIONS for word in _WORD.findall(name))


def is_mostly_cyrillic(text: str) -> bool:
    """More Cyrillic letters than others: a text the site's readers may not read."""
    letters = [char for char in text if char.isalpha()]
    cyrillic = sum("\u0400" <= char <= "\u04ff" for char in letters)
    return cyrillic * 2 > len(letters)


def _lacks_natural_case(name: str) -> bool:
    """ALL CAPS or all lower case: either way a spelling a reader should not see as is."""
    letters = [char for char in name if char.isalpha()]
    return bool(letters) and (
        all(char.isupper() for char in letters) or all(char.islower() for char in letters)
    )


def _title_case(name: str) -> str:
    """ "GOLDEN SANDS RESORT & SPA" -> "Golden Sands Resort & Spa" (str.title() would write
    "St. George'S")."""
    words = name.lower().split(" ")
    titled = [
        word if index and word in _SMALL_WORDS else _capitalize(word)
        for index, word in enumerate(words)
    ]
    return " ".join(titled)


def _capitalize(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def refresh_display_names(session: Session, hotel_ids: Iterable[int]) -> int:
    """Recompute these hotels' names from their aliases; returns how many changed.

    A hotel an admin named keeps its name, and so does one with no aliases (nothing to
    choose from). The caller commits.
    """
    ids = set(hotel_ids)
    if not ids:
        return 0
    spellings: dict[int, list[str]] = {}
    for hotel_id, spelling in session.execute(
        select(HotelAlias.hotel_id, HotelAlias.operator_hotel_name).where(
            HotelAlias.hotel_id.in_(ids)
        )
    ):
        spellings.setdefault(hotel_id, []).append(spelling)
    changed = 0
    for hotel in session.scalars(
        select(Hotel).where(Hotel.id.in_(spellings), Hotel.name_set_by_admin.is_(False))
    ):
        name = display_name(spellings[hotel.id])
        if name and name != hotel.name:
            hotel.name = name
            changed += 1
    session.flush()
    return changed
