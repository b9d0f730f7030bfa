"""Search keys: a name reduced to the sounds of its words, so that a name typed in
Cyrillic finds the Latin one and the other way round ("Риксос" finds Rixos, "Анталья"
Antalya).

Each word is romanized (tourscope/foundation/spelling.py, shared with hotel matching) and reduced to
its sound key ("rixos" and "riksos" both give "rks"). A hotel's or resort's key is kept
in a column of its own, written whenever its name is (models/catalog/hotels.py), so a search
compares a stored column with the query's key and runs no function per row. Keys begin
with a space and separate words with one, so `LIKE '% rks%'` matches from a word's start.
"""

import re
import unicodedata

from tourscope.foundation.spelling import has_cyrillic, sound_key, to_latin

_SEPARATORS = re.compile(r"[\W_]+")


def name_words(text: str) -> list[str]:
    """The words of a name in Latin letters, lower case, without accents."""
    if has_cyrillic(text):
        text = to_latin(text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return [word for word in _SEPARATORS.split(letters) if word]


def search_key(*names: str | None) -> str:
    """The sound keys of every word of the names, each after a space ("" for no words)."""
    keys = [sound_key(word) for name in names if name for word in name_words(name)]
    return "".join(f" {key}" for key in keys)
