"""Get-or-create the reference rows offers point at: countries, resorts, departure cities."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.parsing.geo import COUNTRIES, DEPARTURE_CITIES
from models import Country, DepartureCity, Operator, Resort


class ReferenceCache:
    """Ids of reference rows by their natural keys, created on first sight."""

    def __init__(self, session: Session):
        self.session = session
        self.countries = dict(session.execute(select(Country.code, Country.id)).all())
        self.resorts = {
            (country_id, name.lower()): resort_id
            for resort_id, country_id, name in session.execute(
                select(Resort.id, Resort.country_id, Resort.name)
            )
        }
        self.cities = dict(session.execute(select(DepartureCity.code, DepartureCity.id)).all())

    def country_id(self, code: str) -> int:
        if code not in self.countries:
            name = COUNTRIES[code][0] if code in COUNTRIES else code
            self.countries[code] = self._add(Country(code=code, name=name))
        return self.countries[code]

    def resort_id(self, country_code: str, name: str) -> int:
        country_id = self.country_id(country_code)
        key = (country_id, name.lower())
        if key not in self.resorts:
            self.resorts[key] = self._add(Resort(country_id=country_id, name=name))
        return self.resorts[key]

    def departure_city_id(self, code: str, name: str | None) -> int:
        if code not in self.cities:
            known = DEPARTURE_CITIES.get(code)
            city = DepartureCity(code=code, name=known[0] if known else (name or code))
            self.cities[code] = self._add(city)
        return self.cities[code]

    def _add(self, row) -> int:
        self.session.add(row)
        self.session.flush()
        return row.id


def ensure_operator(session: Session, code: str, name: str, website: str | None) -> Operator:
    operator = session.scalar(select(Operator).where(Operator.code == code))
    if operator is None:
        operator = Operator(code=code, name=name, website=website)
        session.add(operator)
        session.flush()
    return operator
