"""Country and departure-city names to codes (operators rarely give codes)."""

from crawler.parsing.names import match_key

COUNTRIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "TR": ("Turkey", ("turkiye", "türkiye", "турция")),
    "EG": ("Egypt", ("египет",)),
    "AE": ("United Arab Emirates", ("uae", "emirates", "оаэ")),
    "TH": ("Thailand", ("таиланд",)),
    "GR": ("Greece", ("греция",)),
    "ES": ("Spain", ("испания",)),
    "CY": ("Cyprus", ("кипр",)),
    "TN": ("Tunisia", ("тунис",)),
    "MV": ("Maldives", ("мальдивы",)),
    "VN": ("Vietnam", ("viet nam", "вьетнам")),
    "LK": ("Sri Lanka", ("шри-ланка",)),
    "ME": ("Montenegro", ("черногория",)),
    "IT": ("Italy", ("италия",)),
    "CU": ("Cuba", ("куба",)),
    "ID": ("Indonesia", ("bali", "индонезия")),
}

DEPARTURE_CITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "MOW": ("Moscow", ("москва",)),
    "LED": ("Saint Petersburg", ("st petersburg", "st. petersburg", "санкт-петербург")),
    "KZN": ("Kazan", ("казань",)),
    "SVX": ("Yekaterinburg", ("ekaterinburg", "екатеринбург")),
    "OVB": ("Novosibirsk", ("новосибирск",)),
    "KRR": ("Krasnodar", ("краснодар",)),
}


def _index(table: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    index = {}
    for code, (name, aliases) in table.items():
        for spelling in (code, name, *aliases):
            index[spelling.lower()] = code
            index[match_key(spelling)] = code
    return index


_COUNTRY_INDEX = _index(COUNTRIES)
_CITY_INDEX = _index(DEPARTURE_CITIES)


def country_code(name: str | None) -> str | None:
    if not name:
        return None
    return _COUNTRY_INDEX.get(name.strip().lower()) or _COUNTRY_INDEX.get(match_key(name))


def departure_city_code(name: str | None) -> str | None:
    if not name:
        return None
    return _CITY_INDEX.get(name.strip().lower()) or _CITY_INDEX.get(match_key(name))
