"""Meal plans to our codes: "All Inclusive", "ALL INCL", "Ultra All", "BB", "Bed & Breakfast"..."""

import re
from functools import lru_cache

# Longest, most specific spellings first: "ultra all inclusive" must not read as "all inclusive".
_MEAL_PATTERNS: list[tuple[str, str]] = [
    (r"\bu(ltra)?[\s-]*a(ll)?[\s-]*i(ncl(usive)?)?\b|\bultra\b|\buall\b|\buai\b|ультра", "UAI"),
    (r"\ba(ll)?[\s-]*i(ncl(usive)?)?\b|\ball[\s-]*incl|\bai\b|все включено", "AI"),
    (r"\bf(ull)?[\s-]*b(oard)?\b|\bfb\b|полный пансион", "FB"),
    (r"\bh(alf)?[\s-]*b(oard)?\b|\bhb\b|полупансион|завтрак и ужин", "HB"),
    (r"\bb(ed)?\s*(&|and)?\s*b(reakfast)?\b|\bbb\b|breakfast|завтрак", "BB"),
    (r"\br(oom)?[\s-]*o(nly)?\b|\bro\b|\bno meals?\b|без питания|\bob\b|\bao\b", "RO"),
]
_COMPILED = [(re.compile(pattern, re.IGNORECASE), code) for pattern, code in _MEAL_PATTERNS]


@lru_cache(maxsize=1024)  # an operator spells its meal plans a handful of ways
def normalize_meal(text: str | None) -> str | None:
    """Our meal code (RO/BB/HB/FB/AI/UAI) for an operator's spelling; None when unknown."""
    if not text:
        return None
    text = text.strip().replace("ё", "е").replace("Ё", "Е")  # "Всё включено"
    for pattern, code in _COMPILED:
        if pattern.search(text):
            return code
    return None
