"""The resort gazetteer (crawler/parsing/data/resorts.csv): real resorts with their English
and Russian names and the other spellings operators use.

It files an operator's region under the catalogue's resort ("Хургада" -> Hurghada) and
tells hotel matching which words of a hotel's name only say where it is ("Delphin Palace
Lara": Lara is a resort, not part of the hotel's identity).
"""

import csv
from functools import cache

from crawler.parsing.geo import DATA_DIR, country_spellings, place_key
from tourscope.foundation.spelling import has_cyrillic, to_latin


@cache
def _rows() -> list[dict[str, str]]:
    with (DATA_DIR / "resorts.csv").open(encoding="utf-8") as file:
        return list(csv.DictReader(line for line in file if not line.startswith("#")))


def _spellings(row: dict[str, str]) -> list[str]:
    aliases = filter(None, (row.get("aliases") or "").split("|"))
    return [row["en"], row["ru"], *aliases]


@cache
def resort_index() -> dict[tuple[str, str], str]:
    """(country code, place key of a spelling) -> the resort's English name."""
    index: dict[tuple[str, str], str] = {}
    for row in _rows():
        for spelling in _spellings(row):
            index[(row["country"], place_key(spelling))] = row["en"]
    return index


@cache
def place_phrases(country: str) -> frozenset[str]:
    """Every spelling of the country's resorts and of the country itself, romanized and
    keyed ("sharm el sheikh", "sharm", "makadi bay", "egypt"), for finding places inside
    hotel names ("Kurumba Maldives" is Kurumba)."""
    spellings: list[str] = []
    for row in _rows():
        if row["country"] == country:
            spellings.extend(_spellings(row))
    spellings.extend(country_spellings(country))
    phrases = {place_key(to_latin(s) if has_cyrillic(s) else s) for s in spellings}
    return frozenset(phrase for phrase in phrases if phrase)


@cache
def resort_words(country: str, name: str) -> frozenset[str]:
    """The words of every spelling of one resort ("Sharm El Sheikh": sharm, el, sheikh,
    and the romanized Russian ones), or of `name` alone when the gazetteer lacks it."""
    key = place_key(name)
    words = set(key.split())
    for row in _rows():
        spellings = _spellings(row)
        if row["country"] == country and key in {place_key(s) for s in spellings}:
            for spelling in spellings:
                latin = to_latin(spelling) if has_cyrillic(spelling) else spelling
                words.update(place_key(latin).split())
    return frozenset(words)


@cache
def _russian_names() -> dict[tuple[str, str], str]:
    """(country code, place key of any spelling) -> the resort's Russian name."""
    return {
        (row["country"], place_key(spelling)): row["ru"]
        for row in _rows()
        if row["ru"]
        for spelling in _spellings(row)
    }


def resort_russian_name(country: str, name: str) -> str | None:
    """The resort's Russian name from the gazetteer ("Antalya" -> "Анталья"); None when the
    gazetteer does not know it."""
    return _russian_names().get((country, place_key(name)))
