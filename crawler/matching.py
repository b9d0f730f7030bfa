"""Link each operator's hotel to one canonical hotel.

An operator's hotel is known by its alias (operator + the operator's hotel code). A new
alias is matched to a canonical hotel in the same resort whose name has the same match
key; failing that, a new canonical hotel is created.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.parsing.names import match_key
from models import Hotel, HotelAlias


class HotelMatcher:
    """Resolves (operator, hotel code) to a canonical hotel id, caching what it has seen."""

    def __init__(self, session: Session, operator_id: int):
        self.session = session
        self.operator_id = operator_id
        self.aliases: dict[str, int] = dict(
            session.execute(
                select(HotelAlias.operator_hotel_code, HotelAlias.hotel_id).where(
                    HotelAlias.operator_id == operator_id
                )
            ).all()
        )
        self.by_resort_and_key: dict[tuple[int, str], int] = {}
        for hotel_id, resort_id, name in session.execute(
            select(Hotel.id, Hotel.resort_id, Hotel.name)
        ):
            self.by_resort_and_key.setdefault((resort_id, match_key(name)), hotel_id)

    def hotel_id(
        self, code: str, raw_name: str, clean_name: str, stars: int | None, resort_id: int
    ) -> int:
        if code in self.aliases:
            return self.aliases[code]
        key = (resort_id, match_key(clean_name))
        hotel_id = self.by_resort_and_key.get(key)
        if hotel_id is None:
            hotel = Hotel(name=clean_name, stars=stars, resort_id=resort_id)
            self.session.add(hotel)
            self.session.flush()
            hotel_id = self.by_resort_and_key[key] = hotel.id
        self.session.add(
            HotelAlias(
                operator_id=self.operator_id,
                hotel_id=hotel_id,
                operator_hotel_code=code,
                operator_hotel_name=raw_name,
            )
        )
        self.aliases[code] = hotel_id
        return hotel_id
