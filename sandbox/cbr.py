"""A replica of the Bank of Russia's daily exchange rates, `/scripts/XML_daily.asp`.

As published at https://www.cbr.ru/scripts/XML_daily.asp (format read from public
clients' captured answers, 2023-2025; the bank's own page is www.cbr.ru/development/sxml/):
XML in windows-1251, `<ValCurs Date="dd.mm.yyyy" name="Foreign Currency Market">`, one
`<Valute ID="R01235">` per currency with `NumCode`, `CharCode`, `Nominal`, `Name` (Russian),
`Value` (roubles for `Nominal` units) and `VunitRate` (roubles for one unit), numbers with
a decimal comma. `?date_req=dd/mm/yyyy` asks for a day; without it, the latest rates.

The date is the day the rates are in force: rates set on a working day take effect the
next day, so they are dated Tuesday to Saturday, and a Saturday's rates also serve Sunday
and Monday. A day asked for that has no rates of its own (a Sunday, a Monday, a date in the
future) gets the last rates in force then, with their own date in `Date`. Holidays are
not modelled. The values are the replica's own, moving a little from day to day.
"""

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import Response

router = APIRouter(prefix="/cbr")

# (ID, NumCode, CharCode, Nominal, Name, roubles for Nominal units around late 2026)
CURRENCIES = (
    ("R01010", "036", "AUD", 1, "Австралийский доллар", "51.2740"),
    ("R01035", "826", "GBP", 1, "Фунт стерлингов", "103.5120"),
    ("R01060", "051", "AMD", 100, "Армянских драмов", "20.4410"),
    ("R01090B", "933", "BYN", 1, "Белорусский рубль", "26.7380"),
    ("R01135", "348", "HUF", 100, "Форинтов", "23.6120"),
    ("R01150", "704", "VND", 10000, "Донгов", "29.9870"),
    ("R01235", "840", "USD", 1, "Доллар США", "78.7900"),
    ("R01239", "978", "EUR", 1, "Евро", "91.2150"),
    ("R01335", "398", "KZT", 100, "Тенге", "15.2710"),
    ("R01375", "156", "CNY", 1, "Юань", "11.0620"),
    ("R01700J", "949", "TRY", 10, "Турецких лир", "18.6230"),
    ("R01230", "784", "AED", 1, "Дирхам ОАЭ", "21.4540"),
    ("R01240", "818", "EGP", 10, "Египетских фунтов", "16.1280"),
    ("R01675", "764", "THB", 10, "Батов", "24.3910"),
    ("R01820", "392", "JPY", 100, "Иен", "51.8830"),
)
FOUR_PLACES = Decimal("0.0001")


def in_force(day: date) -> date:
    """The date of the rates in force on `day`: Sunday and Monday use Saturday's."""
    shift = {6: 1, 0: 2}.get(day.weekday(), 0)  # Sunday -> Saturday, Monday -> Saturday
    return day - timedelta(days=shift)


def value_on(base: str, rate_date: date) -> Decimal:
    """A rate that moves a little with the date, the same every time it is asked."""
    step = Decimal(rate_date.toordinal() % 11 - 5) / 1000  # within half a percent
    return (Decimal(base) * (1 + step)).quantize(FOUR_PLACES, ROUND_HALF_UP)


def _comma(value: Decimal) -> str:
    return format(value, "f").replace(".", ",")


def daily_rates_xml(rate_date: date) -> str:
    valutes = []
    for valute_id, num_code, char_code, nominal, name, base in CURRENCIES:
        value = value_on(base, rate_date)
        unit = (value / nominal).normalize()
        valutes.append(
            f'<Valute ID="{valute_id}"><NumCode>{num_code}</NumCode>'
            f"<CharCode>{char_code}</CharCode><Nominal>{nominal}</Nominal>"
            f"<Name>{escape(name)}</Name><Value>{_comma(value)}</Value>"
            f"<VunitRate>{_comma(unit)}</VunitRate></Valute>"
        )
    return (
        '<?xml version="1.0" encoding="windows-1251"?>'
        f'<ValCurs Date="{rate_date:%d.%m.%Y}" name="Foreign Currency Market">'
        + "".join(valutes)
        + "</ValCurs>"
    )


@router.get("/scripts/XML_daily.asp")
def xml_daily(request: Request) -> Response:
    today = date.today()
    asked = request.query_params.get("date_req")
    day = today
    if asked:
        try:
            day = datetime.strptime(asked, "%d/%m/%Y").date()
        except ValueError:
            day = today  # the bank answers a date it cannot read with the latest rates
    rate_date = in_force(min(day, today))
    body = daily_rates_xml(rate_date).encode("windows-1251")
    return Response(body, media_type="application/xml; charset=windows-1251")
