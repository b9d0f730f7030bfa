"""Hotel and room names: strip the stars operators put in names, tidy spacing and case."""

import re
import unicodedata
from functools import lru_cache

_STARS_IN_NAME = re.compile(r"\(?\s*(\d)\s*(\*|★|stars?\b)\s*\)?|\(?\s*([*★]{1,5})\s*\)?", re.I)
_SPACES = re.compile(r"\s+")


# A crawl names each hotel, room and resort on thousands of offers: read each name once.
@lru_cache(maxsize=16384)
def clean_hotel_name(name: str) -> tuple[str, int | None]:
    """(name without the star rating, the stars it carried or None)."""
    stars = None
    match = _STARS_IN_NAME.search(name)
    if match:
        stars = int(match.group(1)) if match.group(1) else len(match.group(3))
        name = name[: match.start()] + " " + name[match.end() :]
    return tidy(name), stars


@lru_cache(maxsize=16384)
def tidy(text: str) -> str:
    return _SPACES.sub(" ", text).strip(" -,")


def match_key(name: str) -> str:
    """A comparison key for a name: accents, case and punctuation removed."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _SPACES.sub(" ", re.sub(r"[^a-z0-9]+", " ", ascii_name.lower())).strip()
