"""Russian Cyrillic to Latin letters, the way Russian operators' Latin spellings read.

A practical romanization (BGN/PCGN-like, without diacritics): "Хургада" -> "Khurgada",
"Анталья" -> "Antalya", "Шарм-Эль-Шейх" -> "Sharm-El-Sheykh". Used to compare a place or
hotel an operator names in Cyrillic with the Latin names other operators use.
"""

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
