"""Each demo operator's catalogue: which hotels it sells, how it spells them, its prices.

Offers are generated on demand from (seed, operator, index, epoch), so an operator can
hold a million offers without keeping any of them in memory. The offer at an index keeps
its key forever; a new epoch moves its price and makes a few offers disappear, which is
how a re-crawl sees prices change and tours sell out.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sandbox.world import DEPARTURE_CITIES, ROOM_TYPES, World, WorldHotel

NIGHTS = [3, 4, 5, 6, 7, 7, 7, 8, 9, 10, 10, 11, 12, 13, 14, 14, 15, 21]
BOOKING_DAYS = 70  # departures spread over this many days after the anchor
MEAL_FACTOR = {"RO": 0.75, "BB": 0.85, "HB": 1.0, "FB": 1.12, "AI": 1.3, "UAI": 1.5}
NIGHTLY_PRICE_EUR = {2: 28, 3: 40, 4: 62, 5: 105}  # per adult, all-in with the flight share


@dataclass(frozen=True)
class OperatorProfile:
    """How one operator behaves: its share of the world, its spellings, its prices."""

    code: str
    name: str
    currency: str
    # Rough EUR -> operator currency rate, so prices look native.
    rate: float
    price_factor: float
    hotel_share: int  # percent of the world's hotels it sells
    hotel_code: Callable[[WorldHotel], str]
    hotel_name: Callable[[WorldHotel], str]
    meal_names: dict[str, str]
    key_prefix: str


@dataclass(frozen=True)
class SandboxOffer:
    key: str
    hotel: WorldHotel
    hotel_code: str
    hotel_name: str | None  # None only when the sandbox is told to omit fields
    departure_city_code: str
    departure_city: str
    departure_date: date
    nights: int
    meal_code: str
    meal_name: str
    room_type: str
    adults: int
    children: int
    price: Decimal | None  # all-in; None only when the sandbox is told to omit fields
    currency: str
    surcharge: Decimal  # the fuel surcharge included in `price` (operators may quote it apart)
    availability: str  # available / on_request / stop_sale / sold_out


class OperatorCatalog:
    """The offers of one operator at one epoch; `size` is how many index slots it has."""

    def __init__(
        self,
        world: World,
        profile: OperatorProfile,
        size: int,
        epoch: int = 0,
        flaw: str | None = None,
    ):
        self.world = world
        # "bad_rows": every tenth offer carries one absurd value the crawler must drop;
        # "missing_fields": every tenth offer lacks its hotel name or its price.
        self.flaw = flaw
        self.profile = profile
        self.size = size
        self.epoch = epoch
        self.hotels = [
            h
            for h in world.hotels
            if random.Random(f"share:{world.seed}:{profile.code}:{h.id}").randrange(100)
            < profile.hotel_share
        ]

    def offer(self, index: int) -> SandboxOffer | None:
        """The offer in slot `index`, or None when it is gone at this epoch."""
        profile = self.profile
        seed = self.world.seed
        if (
            self.epoch
            and random.Random(f"gone:{seed}:{profile.code}:{index}:{self.epoch}").random() < 0.05
        ):
            return None
        rng = random.Random(f"offer:{seed}:{profile.code}:{index}")
        hotel = rng.choice(self.hotels)
        city_code, city = rng.choice(DEPARTURE_CITIES)
        departure = self.world.anchor + timedelta(days=3 + rng.randrange(BOOKING_DAYS))
        nights = rng.choice(NIGHTS)
        meal = rng.choice(hotel.meals)
        room = rng.choice(ROOM_TYPES)
        adults = rng.choices([1, 2, 3], weights=[2, 10, 2])[0]
        children = rng.choices([0, 1, 2], weights=[8, 3, 1])[0]
        persons = adults + 0.6 * children
        base_eur = NIGHTLY_PRICE_EUR[hotel.stars] * nights * persons * MEAL_FACTOR[meal]
        noise = rng.uniform(0.85, 1.15)
        if self.epoch:
            noise *= random.Random(f"move:{seed}:{profile.code}:{index}:{self.epoch}").uniform(
                0.9, 1.1
            )
        price = Decimal(round(base_eur * noise * profile.price_factor * profile.rate))
        surcharge = (price * Decimal(rng.choice([0, 0, 3, 5, 8])) / 100).quantize(Decimal(1))
        availability = rng.choices(
            ["available", "on_request", "stop_sale", "sold_out"], weights=[85, 8, 4, 3]
        )[0]
        meal_name = profile.meal_names[meal]
        hotel_name: str | None = profile.hotel_name(hotel)
        if self.flaw == "missing_fields" and index % 10 == 7:
            hotel_name, price = (None, price) if (index // 10) % 2 else (hotel_name, None)
        if self.flaw == "bad_rows" and index % 10 == 3:
            flaw = (index // 10) % 4
            price = Decimal(0) if flaw == 0 else price
            nights = 45 if flaw == 1 else nights
            meal_name = "Chef's surprise" if flaw == 2 else meal_name
            departure = self.world.anchor - timedelta(days=5) if flaw == 3 else departure
        return SandboxOffer(
            key=f"{profile.key_prefix}{index:07d}",
            hotel=hotel,
            hotel_code=profile.hotel_code(hotel),
            hotel_name=hotel_name,
            departure_city_code=city_code,
            departure_city=city,
            departure_date=departure,
            nights=nights,
            meal_code=meal,
            meal_name=meal_name,
            room_type=room,
            adults=adults,
            children=children,
            price=price,
            currency=profile.currency,
            surcharge=surcharge,
            availability=availability,
        )

    def offers(self, start: int = 0, stop: int | None = None) -> Iterator[SandboxOffer]:
        for index in range(start, min(self.size, stop if stop is not None else self.size)):
            offer = self.offer(index)
            if offer is not None:
                yield offer

    def find(self, key: str) -> SandboxOffer | None:
        prefix = self.profile.key_prefix
        if not key.startswith(prefix) or not key[len(prefix) :].isdigit():
            return None
        index = int(key[len(prefix) :])
        return self.offer(index) if index < self.size else None

    def hotel_by_code(self, code: str) -> WorldHotel | None:
        """The hotel the operator sells under its code `code`, if it sells one."""
        if not hasattr(self, "_hotels_by_code"):
            self._hotels_by_code = {self.profile.hotel_code(h): h for h in self.hotels}
        return self._hotels_by_code.get(code)

    def ground_truth(self) -> dict[str, int]:
        """Operator hotel code -> world hotel id. For evaluation only, never for spiders."""
        return {self.profile.hotel_code(h): h.id for h in self.hotels}
