"""Small integers hidden in text: "14 nights", "2 adults + 1 child", "★★★★"."""

import re
from functools import lru_cache

_INTEGER = re.compile(r"\d+")


def parse_int(text: str | None, pattern: str | None = None) -> int | None:
    """The first integer in `text`, or the first group of `pattern` when one is given."""
    if text is None:
        return None
    if isinstance(text, int):
        return text
    if text.isdigit():
        return int(text)
    if pattern:
        match = re.search(pattern, text)
        return int(match.group(1)) if match else None
    match = _INTEGER.search(text)
    return int(match.group()) if match else None


@lru_cache(maxsize=1024)  # a crawl spells stars a handful of ways
def parse_stars(text: str | None) -> int | None:
    """Hotel stars from "4", "4*", "4 stars" or a row of ★ / *; None outside 1..5."""
    if not text:
        return None
    count = text.count("★") or (text.count("*") if not any(c.isdigit() for c in text) else 0)
    stars = count or parse_int(text)
    return stars if stars is not None and 1 <= stars <= 5 else None
