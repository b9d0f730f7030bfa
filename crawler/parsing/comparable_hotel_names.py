"""Hotel names reduced to what identifies the hotel, so operators' spellings compare.

Operators write one hotel many ways: "GOLDEN SANDS RESORT AND SPA", "Golden Sands
Res.&Spa 4*", "Hotel Golden Sands (Side)", "Голден Сэндс Резорт", "Golden Sands Resort -
Grand Select". A name is read into tokens (stars dropped, abbreviations expanded, Cyrillic
romanized), and each token is classed:
- *kind* words say what sort of place it is ("hotel", "resort", "spa", "beach");
- *soft* words are sub-brands and labels one operator adds and another leaves out
  ("Selection", "Grand Select", "Adults Only 16+", "by Rixos");
- *place* words name a resort of the country ("Lara", "Sharm El Sheikh") from the resort
  gazetteer;
- the rest are *distinctive*: what tells this hotel from its sisters ("Rixos Premium"
  against "Rixos Park").
Each token also gets a sound key, so spellings that differ only by transliteration
("Kristal"/"Crystal", "Serenity"/"Sereniti", "Delphin"/"Delfin") compare equal.
"""

import re
from dataclasses import dataclass

from crawler.parsing.tidy_names import clean_hotel_name, match_key
from tourscope.foundation.spelling import has_cyrillic, to_latin

# Operators' abbreviations, expanded before comparison.
ABBREVIATIONS = {
    "res": "resort",
    "rst": "resort",
    "bch": "beach",
    "htl": "hotel",
    "ste": "suites",
    "sts": "suites",
    "clb": "club",
    "pal": "palace",
    "gdn": "garden",
    "vlg": "village",
    "apts": "apartments",
    "apt": "apartments",
    "int": "international",
    "intl": "international",
    "st": "saint",  # "St. Regis", "Сент Реджис"
}
# Spellings that come back from a round trip through Cyrillic, mapped to the Latin ones.
TRANSLITERATIONS = {
    "palas": "palace",
    "riksos": "rixos",
    "vila": "villa",
    "roial": "royal",
    "madzhestik": "majestic",
    "harbor": "harbour",
    "heits": "heights",
    "klub": "club",
    "klab": "club",
    "otel": "hotel",
    "rezort": "resort",
    "bich": "beach",
    "end": "and",
    "syuts": "suites",
    "syuit": "suites",
    "vilidzh": "village",
    "villidzh": "village",
    "deluks": "deluxe",
    "delyuks": "deluxe",
    "akvapark": "aquapark",
    # A chain's former name: its hotels are sold under both for years after a rebrand.
    "pickalbatros": "albatros",
}
# Words that say what kind of place it is, not which one.
KIND_WORDS = frozenset(
    {
        "hotel",
        "hotels",
        "resort",
        "resorts",
        "spa",
        "beach",
        "club",
        "suites",
        "suite",
        "and",
        "the",
        "of",
        "apartments",
        "apart",
        "hotel&spa",
        "boutique",
        "all",
        "inclusive",
        "ultra",
        "otel",
        "wellness",
        "thalasso",
        "thalassa",
        "villas",
        "bungalows",
        "at",
        "a",
        "island",
        "aquapark",
    }
)
# Kind words too common to tell two hotels apart.
GENERIC_KIND_WORDS = frozenset(
    {"hotel", "hotels", "otel", "and", "the", "of", "all", "inclusive", "at", "a", "villas"}
)
# Sub-brands and labels one operator adds and another leaves out.
SOFT_WORDS = frozenset(
    {
        "selection",
        "select",
        "curio",
        "autograph",
        "tribute",
        "portfolio",
        "adults",
        "adult",
        "only",
        "family",
        "kids",
        "plus",
        "ex",
        "formerly",
        "new",
    }
)
# Two words that together are a label ("Grand Select"), though "grand" alone may identify;
# or a chain or complex one operator names and another leaves out ("Constantinou Bros
# Athena Beach", "Al Qasr Madinat Jumeirah").
SOFT_PHRASES = (
    ("grand", "select"),
    ("luxury", "collection"),
    ("premier", "collection"),
    ("curio", "collection"),
    ("autograph", "collection"),
    ("constantinou", "bros"),
    ("madinat", "jumeirah"),
)
# Words that describe what a hotel offers rather than which hotel it is: one operator's
# "Voyage Belek Golf & Spa" is another's "Voyage Belek" when no other Voyage is near.
DESCRIPTOR_WORDS = frozenset({"golf", "deluxe", "luxury", "international", "marine"})
# A chain renamed: both names are sold for years ("Sun Aqua Vilu Reef", "Sun Siyam Vilu
# Reef").
REBRANDS = {("sun", "aqua"): ("sun", "siyam")}
# Russian operators write the English words of a name in Cyrillic: read them as the words.
CYRILLIC_WORDS = {
    "энд": "and",
    "и": "and",
    "отель": "hotel",
    "отел": "hotel",
    "резорт": "resort",
    "ризорт": "resort",
    "спа": "spa",
    "бич": "beach",
    "клаб": "club",
    "клуб": "club",
    "сьютс": "suites",
    "сьюитс": "suites",
    "палас": "palace",
    "гранд": "grand",
    "делюкс": "deluxe",
    "де": "de",
    "люкс": "luxe",
    "аквапарк": "aquapark",
    "вилладж": "village",
    "виллидж": "village",
    "парк": "park",
    "сити": "city",
    "тауэр": "tower",
    "хаус": "house",
    "зе": "the",
    "бай": "by",
    "эт": "at",
    "лакшери": "luxury",
    "коллекшн": "collection",
    "айленд": "island",
    "вью": "view",
    "оушен": "ocean",
    "вайт": "white",
    "уайт": "white",
    "блю": "blue",
    "роял": "royal",
    "мэджик": "magic",
    "фор": "four",
    "сизонс": "seasons",
    "уан": "one",
    "онли": "only",
    "грейт": "great",
    "сэндс": "sands",
    "сан": "sun",
    "си": "sea",
    "стар": "star",
    "гарден": "garden",
    "гарденс": "gardens",
    "палм": "palm",
    "гольф": "golf",
    "виллас": "villas",
    "дрим": "dream",
    "дримс": "dreams",
    "парадайз": "paradise",
    "фэмили": "family",
    "кидс": "kids",
    "сент": "saint",
    # Letters spelt out: "Джей Эй Бич" is JA Beach, "Ди Резорт" D Resort.
    "джей": "j",
    "эй": "a",
    "би": "b",
    "ди": "d",
    "кей": "k",
    "эм": "m",
    "эн": "n",
    "пи": "p",
    "ти": "t",
    "ви": "v",
    "экс": "x",
    "эйч": "h",
}
_BRACKETED = re.compile(r"\(([^)]*)\)|\[([^\]]*)\]")
_FORMER_NAME = re.compile(r"\(\s*(?:ex|formerly|former|бывш|экс)\b\.?\s*([^)]+)\)", re.IGNORECASE)
_NUMBERS = re.compile(r"^\d+$")


def _words(name: str) -> list[str]:
    """The name's words in Latin letters, lower case, stars and brackets removed."""
    name, _ = clean_hotel_name(name.replace("(", " ").replace(")", " "))
    if has_cyrillic(name):
        name = re.sub(r"(?i)дабл[\s-]+ю", "w", name)  # "Джей Дабл Ю Марриотт": JW
        words = re.split(r"([\s\-–&.,/]+)", name)
        name = "".join(
            CYRILLIC_WORDS.get(word.lower(), to_latin(word)) if has_cyrillic(word) else word
            for word in words
        )
    name = name.replace("&", " and ").replace("+", " plus ")
    name = re.sub(r"(?<=\w)['’`](?=\w)", "", name)  # "Queen's", "A'Salam": one word
    return match_key(name).split()


def _join_letters(tokens: list[str]) -> list[str]:
    """Letters written apart are one word: "J W Marriott", "Джей Эй" -> "jw", "ja"."""
    joined: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if len(run) > 1:
            joined.append("".join(run))
        else:
            joined.extend(run)
        run = []
        if token:
            joined.append(token)
    return joined


def name_tokens(name: str) -> list[str]:
    """Comparable tokens: abbreviations, transliterated spellings and rebrands unified."""
    tokens = [ABBREVIATIONS.get(token, token) for token in _join_letters(_words(name))]
    tokens = [TRANSLITERATIONS.get(token, token) for token in tokens]
    for old, new in REBRANDS.items():
        for at in range(len(tokens) - len(old) + 1):
            if tuple(tokens[at : at + len(old)]) == old:
                tokens[at : at + len(old)] = new
    return tokens


@dataclass(frozen=True)
class HotelName:
    """A hotel name read for matching."""

    tokens: tuple[str, ...]  # every comparable token
    distinctive: tuple[str, ...]  # what tells this hotel from others in its resort
    named: tuple[str, ...]  # tokens without kind and soft words (places kept)
    # The kind words it has ("beach", "resort", "spa"), "hotel" aside: two names alike but
    # for these ("Granada Luxury Beach", "Granada Luxury Resort & Spa") may be sisters.
    kinds: frozenset[str] = frozenset()
    # The name itself, without what follows a dash or stands in brackets, kind and soft
    # words left out but places kept ("Kata Thani Phuket Beach Resort": kata thani phuket).
    main: tuple[str, ...] = ()
    # A former name the operator gives in brackets ("Ela Excellence (ex. Ela Quality)").
    former: "HotelName | None" = None

    @property
    def readable(self) -> bool:
        """False when nothing identifying could be read (the name must go to review)."""
        return bool(self.named)


def _strip_phrases(tokens: list[str], phrases: frozenset[str]) -> list[bool]:
    """Which tokens belong to one of `phrases` (longest phrase first, whole tokens)."""
    marked = [False] * len(tokens)
    longest = max((len(phrase.split()) for phrase in phrases), default=0)
    for size in range(longest, 0, -1):
        for start in range(len(tokens) - size + 1):
            if any(marked[start : start + size]):
                continue
            if " ".join(tokens[start : start + size]) in phrases:
                marked[start : start + size] = [True] * size
    return marked


def read_hotel_name(name: str, places: frozenset[str] = frozenset()) -> HotelName:
    """`name` read into tokens; `places` are the place phrases of its country (resort
    names, as crawler/parsing/resorts.place_phrases gives them)."""
    former_match = _FORMER_NAME.search(name)
    former = read_hotel_name(former_match.group(1), places) if former_match else None
    if former_match:
        name = name[: former_match.start()] + name[former_match.end() :]
    # What operators put in brackets is secondary (a resort, a brand, a former name): it
    # helps only when the rest of the name says nothing.
    bracketed = " ".join(" ".join(groups) for groups in _BRACKETED.findall(name))
    main = _BRACKETED.sub(" ", name)
    # What follows " - " or a comma is secondary too ("Rixos Park Belek - The Land of
    # Legends Access", "Parklane, a Luxury Collection Resort & Spa, Limassol").
    main, *rest = re.split(r"\s[-–—]\s|,\s", main)
    outside = name_tokens(main)
    suffix = name_tokens(" ".join(rest)) if rest else []
    tokens = outside + suffix + (name_tokens(bracketed) if bracketed.strip() else [])
    # 0: the name itself, 1: after a dash or comma, 2: in brackets
    part = [0] * len(outside) + [1] * len(suffix) + [2] * (len(tokens) - len(outside) - len(suffix))
    is_place = _strip_phrases(tokens, places)
    soft = [token in SOFT_WORDS for token in tokens]
    for first, second in SOFT_PHRASES:
        for at in range(len(tokens) - 1):
            if tokens[at] == first and tokens[at + 1] == second:
                soft[at] = soft[at + 1] = True
    for at, token in enumerate(tokens):  # "by Rixos", "by Hilton": a label, not the name
        if token == "by" and at > 0:
            soft[at:] = [True] * (len(tokens) - at)
            break
    named = tuple(
        token
        for token, is_soft in zip(tokens, soft, strict=True)
        if not is_soft and token not in KIND_WORDS and not _NUMBERS.match(token)
    ) or tuple(  # a name of kind words only ("Club Beach Hotel") is compared whole
        token
        for token, is_soft in zip(tokens, soft, strict=True)
        if not is_soft and not _NUMBERS.match(token) and token not in {"and", "the", "of"}
    )

    def identifying(parts: set[int]) -> tuple[str, ...]:
        return tuple(
            token
            for token, is_soft, place, where in zip(tokens, soft, is_place, part, strict=True)
            if where in parts
            and not (is_soft or place)
            and token not in KIND_WORDS
            and not _NUMBERS.match(token)
        )

    distinctive = identifying({0})
    if len(distinctive) == 1 and suffix:
        # "JA The Resort - JA Beach Hotel": a complex's name, then the hotel's.
        distinctive = tuple(dict.fromkeys(identifying({0, 1})))
    kinds = frozenset(token for token in tokens if token in KIND_WORDS) - GENERIC_KIND_WORDS
    main_name = tuple(
        token
        for token, is_soft, where in zip(tokens, soft, part, strict=True)
        if where == 0 and not is_soft and token not in KIND_WORDS and not _NUMBERS.match(token)
    )
    return HotelName(tuple(tokens), distinctive, named, kinds, main_name, former)


def core_name(name: str) -> str:
    """The identifying part of a hotel name, e.g. "golden sands"; never empty for a name
    with any letter in it."""
    read = read_hotel_name(name)
    return " ".join(read.distinctive or read.named or read.tokens)
