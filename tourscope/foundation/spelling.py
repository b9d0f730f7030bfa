"""Names in any script reduced to keys that compare: Russian romanized, and sound keys.

Shared by the crawler (hotel matching, crawler/parsing/comparable_hotel_names.py; resort and
reference mapping) and the catalogue's search (models/catalog/search_keys.py), so that a name
typed in Cyrillic meets the Latin one it reads as.

Romanization is practical (BGN/PCGN-like, without diacritics): "Хургада" -> "Khurgada",
"Анталья" -> "Antalya", "Шарм-Эль-Шейх" -> "Sharm-El-Sheykh".
"""

import re
from functools import lru_cache

_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}  # fmt: skip
# After a soft or hard sign "е" and "ё" read with a "y" ("Ольгинка" keeps its sound).
_AFTER_SIGN = {"е": "ye", "ё": "yo"}


def has_cyrillic(text: str) -> bool:
    return any("\u0400" <= char <= "\u04ff" for char in text)


def to_latin(text: str) -> str:
    """`text` with its Russian letters romanized; other characters kept, case followed."""
    out: list[str] = []
    previous = ""
    for char in text:
        lower = char.lower()
        if lower not in _LETTERS:
            out.append(char)
        else:
            latin = _LETTERS[lower]
            if previous in {"ь", "ъ"}:
                latin = _AFTER_SIGN.get(lower, latin)
            out.append(latin.capitalize() if char.isupper() else latin)
        previous = lower
    return "".join(out)


_NUMBERS = re.compile(r"^\d+$")

# Ways a letter group may be read, each giving the word another sound key: Spanish "que"
# ("Duque", "Дуке"), a silent "h" between vowels ("Bahia", "Баия"), a silent "gh"
# ("Lighthouse", "Лайтхаус"), Greek "th" as Russian "ф" ("Athena", "Афина"), Spanish "j"
# as Russian "х" ("Lujo", "Лухо"), "h" as Russian "г" ("Havana", "Гавана").
_READINGS = (
    ("qu", "k"),
    ("(?<=[aeiou])h(?=[aeiou])", ""),
    ("igh", "i"),
    ("th", "f"),
    ("(?<![dz])j", "h"),
    ("^g", "h"),
)


@lru_cache(maxsize=65536)
def sound_keys(token: str) -> frozenset[str]:
    """A token's possible sounds, so that transliterations meet: "kristal" and "crystal"
    share "krstl", "sereniti" and "serenity" "srnt", "okeaniya" and "oceania" "oknia"...

    A letter that reads two ways gives two keys: "c" as in "Crystal", "Oceania" or
    "Grecian" ("Грешн"); "g" as in "Regis" or "Seagate" ("Сигейт"); a final "s" of a
    plural ("Palm Gardens") or of the word itself ("Elegans" for "Elegance").
    """
    if _NUMBERS.match(token) or len(token) <= 2:
        return frozenset({token})
    keys = set()
    plural = len(token) > 3 and token.endswith("s")
    for word in {token[:-1], token} if plural else {token}:
        spellings = {word} | {re.sub(pattern, sound, word) for pattern, sound in _READINGS}
        for spelling in spellings:
            for c_sound in ("s", "k", "j", "sh"):  # "Crystal", "Oceania", "Yazici", "Grecian"
                for soft_g in (True, False):
                    keys.add(_sound(spelling, c_sound, soft_g))
    return frozenset(keys)


def sound_key(token: str) -> str:
    """The token's usual sound (see `sound_keys`)."""
    if _NUMBERS.match(token) or len(token) <= 2:
        return token
    plural = len(token) > 3 and token.endswith("s")
    return _sound(token[:-1] if plural else token, c_sound="s")


def _sound(word: str, c_sound: str, soft_g: bool = True) -> str:
    """`c_sound`: what a "c" before e, i or y sounds like ("s", "k", "j" or "sh");
    `soft_g`: whether a "g" before e or i sounds like "j" ("Regis") or not ("Seagate")."""
    key = re.sub(r"(.)\1+", r"\1", word)  # "Miraggio", "Kuredu Island": letters once
    # Russian spellings of English, Italian and Arabic sounds: "Уолдорф" (Waldorf),
    # "Штайгенбергер" (Steigenberger), "Джумейра" (Jumeirah), "Вояж" (Voyage).
    key = re.sub(r"^u(?=[aeio])", "v", key)
    key = re.sub(r"^sht", "st", key)
    for written, sound in (
        ("shch", "sh"),
        ("sch", "sh"),
        ("dzh", "j"),
        ("dj", "j"),
        ("zh", "j"),
        ("kh", "h"),
        ("ph", "f"),
        ("ck", "k"),
        ("qu", "kv"),
        ("q", "k"),
        ("x", "ks"),
        ("w", "v"),
        ("th", "t"),
        ("gh", "g"),
        ("ts", "s"),
    ):
        key = key.replace(written, sound)
    key = re.sub(r"(?<=[aeiou])h$", "", key)  # "Aqah", "Акках": a final "h" is silent
    if soft_g:
        key = re.sub(r"g(?=[ei])", "j", key)
    key = re.sub(r"c(?=[eiy])", c_sound, key)
    key = key.replace("c", "k").replace("z", "s").replace("y", "i")
    head, tail = key[0], re.sub(r"[aeiou]", "", key[1:])
    return re.sub(r"(.)\1+", r"\1", head + tail)
