"""Dates in every operator format: ISO, dd.mm.yyyy, YYYYMMDD, "05 Dec 2026"."""

from datetime import date, datetime
from functools import lru_cache

DEFAULT_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%Y%m%d", "%d %b %Y", "%d/%m/%Y")


@lru_cache(maxsize=4096)  # a crawl's offers share a few hundred departure days
def parse_date(text: str | None, formats: tuple[str, ...] = DEFAULT_FORMATS) -> date | None:
    """The first format that reads the whole text wins; None when none does."""
    if not text:
        return None
    text = text.strip()
    if "%Y-%m-%d" in formats and len(text) == 10 and text[4] == "-":
        try:  # the common ISO case, an order of magnitude faster than strptime
            return date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
