"""Country and departure-city names to codes, in the spellings operators use.

Countries are ISO 3166-1 alpha-2 codes with their Russian and English names from the
CLDR data Babel ships, plus the colloquial names operators write ("Доминикана", "ОАЭ",
"Bali"). Abkhazia, sold by Russian operators as a country of its own, has no ISO code; it
takes the code Russia's classifier of countries (OKSM) gives it, AB.

Departure cities are IATA city codes: the charter departures of Russian operators with
their Russian names (crawler/parsing/data/departure_cities.csv), and any other airport of
the former USSR by its English city name or code, from the `airportsdata` package.
"""

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import airportsdata
from babel import Locale

# Read through importlib.resources, so that the data is found in a zipped egg too (the
# project as a Scrapyd node runs it).
DATA_DIR = resources.files("crawler.parsing") / "data"

# English names we show where CLDR's differ from what travellers search for.
_ENGLISH_NAMES = {"TR": "Turkey", "AB": "Abkhazia", "CZ": "Czech Republic"}
# Spellings operators use that neither CLDR locale has.
_COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "TR": ("Turkey", "Türkiye", "Turkiye", "Турция"),
    "AE": ("UAE", "Emirates", "ОАЭ", "Эмираты", "Объединенные Арабские Эмираты"),
    "DO": ("Dominicana", "Dominican Rep.", "Доминикана", "Доминиканская Республика"),
    "AB": ("Abkhazia", "Абхазия"),
    "ID": ("Bali", "Бали", "Индонезия (Бали)"),
    "TZ": ("Zanzibar", "Занзибар", "Танзания (Занзибар)"),
    "RU": ("Russian Federation", "Россия", "Российская Федерация"),
    "VN": ("Viet Nam", "Вьетнам"),
    "GB": ("UK", "Great Britain", "England", "Великобритания", "Англия"),
    "US": ("USA", "США"),
    "CZ": ("Czech Republic", "Czechia", "Чехия"),
    "KR": ("South Korea", "Южная Корея"),
    "MV": ("Мальдивы", "Maldives"),
}
# Airports of these countries are departure cities for Russian operators' clients.
_DEPARTURE_COUNTRIES = frozenset({"RU", "BY", "KZ", "UZ", "KG", "AM", "AZ", "TJ", "TM"})


# Every offer of a feed names its country, resort and departure city again: the few
# hundred names a crawl meets are keyed once, not 600,000 times.
@lru_cache(maxsize=8192)
def place_key(name: str) -> str:
    """A comparison key for a place name in any script: case, accents, "ё" and punctuation
    removed ("Санкт-Петербург" and "санкт петербург" share one; so do "Türkiye" and
    "turkiye")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.split(r"[\W_]+", letters)).strip()


@dataclass(frozen=True)
class Country:
    code: str
    name_en: str
    name_ru: str


@dataclass(frozen=True)
class DepartureCity:
    code: str
    name_en: str
    name_ru: str | None


@cache
def countries() -> dict[str, Country]:
    """Every ISO 3166 country (two-letter CLDR territory) and Abkhazia, by code."""
    english, russian = Locale("en").territories, Locale("ru").territories
    table = {
        code: Country(code, _ENGLISH_NAMES.get(code, name), russian.get(code, name))
        for code, name in english.items()
        if len(code) == 2 and code.isalpha() and code not in {"EU", "EZ", "UN", "QO", "XA", "XB"}
    }
    table["AB"] = Country("AB", "Abkhazia", "Абхазия")
    return table


def country_spellings(code: str) -> tuple[str, ...]:
    """The names a country goes by, English and Russian ("Maldives", "Мальдивы")."""
    country = countries().get(code)
    names = (country.name_en, country.name_ru) if country else ()
    return names + _COUNTRY_ALIASES.get(code, ())


@cache
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, country in countries().items():
        for spelling in (code, country.name_en, country.name_ru):
            index.setdefault(place_key(spelling), code)
    for code, aliases in _COUNTRY_ALIASES.items():
        for spelling in aliases:
            index[place_key(spelling)] = code
    return index


@cache
def departure_cities() -> dict[str, DepartureCity]:
    """The charter departure cities, by IATA city code."""
    with (DATA_DIR / "departure_cities.csv").open(encoding="utf-8") as file:
        rows = csv.DictReader(line for line in file if not line.startswith("#"))
        return {row["code"]: DepartureCity(row["code"], row["en"], row["ru"]) for row in rows}


@cache
def _city_index() -> dict[str, str]:
    index: dict[str, str] = {}
    # Other airports first, so that the curated table wins where both name a city.
    airports = airportsdata.load("IATA")
    for code, airport in airports.items():
        if airport["country"] in _DEPARTURE_COUNTRIES and airport["city"]:
            index.setdefault(place_key(airport["city"]), code)
    for code, city in airportsdata.load_iata_macs().items():
        for airport in city["airports"]:
            index[place_key(airport)] = code  # SVO, DME, VKO -> MOW
    with (DATA_DIR / "departure_cities.csv").open(encoding="utf-8") as file:
        for row in csv.DictReader(line for line in file if not line.startswith("#")):
            spellings = [
                row["code"],
                row["en"],
                row["ru"],
                *filter(None, row["aliases"].split("|")),
            ]
            for spelling in spellings:
                index[place_key(spelling)] = row["code"]
    return index


@cache
def _airport_cities() -> dict[str, str]:
    """IATA code of an ex-USSR airport -> its English city name."""
    return {
        code: airport["city"]
        for code, airport in airportsdata.load("IATA").items()
        if airport["country"] in _DEPARTURE_COUNTRIES and airport["city"]
    }


def country_code(name: str | None) -> str | None:
    """The country's code for a name or code in Russian or English; None when unknown."""
    if not name:
        return None
    return _country_index().get(place_key(name))


def country_name(code: str) -> str:
    """The country's English name (the catalogue's), or the code itself when unknown."""
    country = countries().get(code)
    return country.name_en if country else code


def departure_city_code(name: str | None) -> str | None:
    """The IATA city code of a departure city named in Russian or English, or of an airport
    code ("SVO" -> "MOW"); None when unknown."""
    if not name:
        return None
    return _city_index().get(place_key(name))


def departure_city_name(code: str) -> str | None:
    """The city's English name, from the curated table or airportsdata; None when unknown."""
    city = departure_cities().get(code)
    if city:
        return city.name_en
    return _airport_cities().get(code)
