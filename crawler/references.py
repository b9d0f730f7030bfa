"""Get-or-create the reference rows offers point at: countries, resorts, departure cities.

Several crawls write at once (spiders in one process, crawls in several), so a row missing
from this cache is looked up again before it is created, and a creation that loses the
race to another crawl reads the winner's row instead.
"""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crawler.parsing.geo import country_name, departure_city_name
from crawler.parsing.resorts import resort_russian_name
from crawler.place_names import city_russian_name, country_russian_name
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
            name = country_name(code)
            lookup = select(Country.id).where(Country.code == code)
            self.countries[code] = self._get_or_add(
                lookup, lambda: Country(code=code, name=name, name_ru=country_russian_name(code))
            )
        return self.countries[code]

    def resort_id(self, country_code: str, name: str) -> int:
        country_id = self.country_id(country_code)
        key = (country_id, name.lower())
        if key not in self.resorts:
            lookup = select(Resort.id).where(
                Resort.country_id == country_id, func.lower(Resort.name) == name.lower()
            )
            self.resorts[key] = self._get_or_add(
                lookup,
                lambda: Resort(
                    country_id=country_id,
                    name=name,
                    name_ru=resort_russian_name(country_code, name),
                ),
            )
        return self.resorts[key]

    def departure_city_id(self, code: str, name: str | None) -> int:
        if code not in self.cities:
            known = departure_city_name(code)
            lookup = select(DepartureCity.id).where(DepartureCity.code == code)
            self.cities[code] = self._get_or_add(
                lookup,
                lambda: DepartureCity(
                    code=code, name=known or name or code, name_ru=city_russian_name(code)
                ),
            )
        return self.cities[code]

    def _get_or_add(self, lookup, make_row) -> int:
        row_id = self.session.scalar(lookup)
        if row_id is not None:
            return row_id
        # Committed at once: on SQLite, a write transaction left open while the reactor
        # runs another spider's pipeline would lock that spider out.
        row = make_row()
        self.session.add(row)
        try:
            self.session.commit()
        except IntegrityError:  # another crawl created it a moment ago
            self.session.rollback()
            return self.session.scalar(lookup)
        return row.id


def ensure_operator(session: Session, code: str, name: str, website: str | None) -> Operator:
    operator = session.scalar(select(Operator).where(Operator.code == code))
    if operator is None:
        operator = Operator(code=code, name=name, website=website)
        session.add(operator)
        session.flush()
    return operator
