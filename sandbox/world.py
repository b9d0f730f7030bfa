"""One deterministic world of countries, resorts, hotels and departure cities.

Every operator draws its catalogue from this world, so the same hotel turns up at
several operators, each spelling it its own way. The world itself is the ground truth.
"""

import random
from dataclasses import dataclass, field
from datetime import date

COUNTRIES: list[tuple[str, str, list[str]]] = [
    ("TR", "Turkey", ["Antalya", "Alanya", "Belek", "Kemer", "Side", "Bodrum", "Marmaris"]),
    ("EG", "Egypt", ["Hurghada", "Sharm El Sheikh", "Makadi Bay", "Marsa Alam", "El Gouna"]),
    ("AE", "United Arab Emirates", ["Dubai", "Abu Dhabi", "Ras Al Khaimah", "Fujairah"]),
    ("TH", "Thailand", ["Phuket", "Pattaya", "Krabi", "Koh Samui", "Hua Hin"]),
    ("GR", "Greece", ["Crete", "Rhodes", "Corfu", "Kos", "Halkidiki"]),
    ("ES", "Spain", ["Costa Brava", "Costa del Sol", "Mallorca", "Tenerife", "Ibiza"]),
    ("CY", "Cyprus", ["Ayia Napa", "Protaras", "Limassol", "Paphos", "Larnaca"]),
    ("TN", "Tunisia", ["Hammamet", "Sousse", "Monastir", "Djerba", "Mahdia"]),
    ("MV", "Maldives", ["North Male Atoll", "South Male Atoll", "Ari Atoll", "Baa Atoll"]),
    ("VN", "Vietnam", ["Nha Trang", "Phan Thiet", "Phu Quoc", "Da Nang", "Cam Ranh"]),
    ("LK", "Sri Lanka", ["Bentota", "Hikkaduwa", "Negombo", "Unawatuna", "Beruwala"]),
    ("ME", "Montenegro", ["Budva", "Becici", "Petrovac", "Kotor", "Herceg Novi"]),
]

DEPARTURE_CITIES: list[tuple[str, str]] = [
    ("MOW", "Moscow"),
    ("LED", "Saint Petersburg"),
    ("KZN", "Kazan"),
    ("SVX", "Yekaterinburg"),
    ("OVB", "Novosibirsk"),
    ("KRR", "Krasnodar"),
]

_NAME_FIRST = [
    "Golden",
    "Blue",
    "Royal",
    "Grand",
    "Sunny",
    "Crystal",
    "Silver",
    "Coral",
    "Emerald",
    "Palm",
    "Azure",
    "White",
    "Ocean",
    "Lotus",
    "Orange",
    "Paradise",
    "Majestic",
    "Amara",
    "Aqua",
    "Rixos",
    "Club",
    "Villa",
    "Bella",
    "Sea",
    "Olive",
    "Pearl",
    "Imperial",
    "Lagoon",
]
_NAME_SECOND = [
    "Sands",
    "Bay",
    "Garden",
    "Lagoon",
    "Palace",
    "Beach",
    "Dreams",
    "Park",
    "Coast",
    "Horizon",
    "Waves",
    "Island",
    "Star",
    "View",
    "Breeze",
    "Paradise",
    "Heights",
    "Cove",
    "Harbour",
    "Village",
    "Sun",
    "Marina",
    "Dunes",
    "Shore",
]
_NAME_KIND = ["Resort", "Hotel", "Resort & Spa", "Beach Resort", "Beach Hotel", "Club", "Suites"]

ROOM_TYPES = [
    "Standard Room",
    "Standard Sea View",
    "Superior Room",
    "Deluxe Room",
    "Family Room",
    "Junior Suite",
    "Bungalow",
]

MEAL_PLANS = ["RO", "BB", "HB", "FB", "AI", "UAI"]


@dataclass(frozen=True)
class WorldHotel:
    id: int
    name: str
    # The name's parts ("Golden" "Sands" "Resort & Spa"), which operators recombine.
    first: str
    second: str
    kind: str
    stars: int
    country_code: str
    country: str
    resort: str
    # Board types the hotel sells; cheap hotels rarely sell ultra all inclusive.
    meals: tuple[str, ...]


@dataclass
class World:
    """The shared world, generated from a seed; `anchor` is the first day offers refer to."""

    seed: int = 42
    hotel_count: int = 400
    anchor: date = field(default_factory=date.today)
    hotels: list[WorldHotel] = field(init=False)

    def __post_init__(self) -> None:
        rng = random.Random(f"world:{self.seed}")
        hotels: list[WorldHotel] = []
        # Within a resort no two hotels share the core of their name ("Golden Sands"), as
        # in life: operators drop the "Resort & Spa", and the hotel must stay identifiable.
        taken: set[tuple[str, str, str]] = set()
        while len(hotels) < self.hotel_count:
            code, country, resorts = rng.choice(COUNTRIES)
            resort = rng.choice(resorts)
            first, second = rng.choice(_NAME_FIRST), rng.choice(_NAME_SECOND)
            kind = rng.choice(_NAME_KIND)
            if first == second or (resort, first, second) in taken:
                continue
            taken.add((resort, first, second))
            name = f"{first} {second} {kind}"
            stars = rng.choices([2, 3, 4, 5], weights=[1, 4, 6, 4])[0]
            lowest = 0 if stars <= 3 else 1
            highest = 4 if stars <= 3 else 6
            meals = tuple(MEAL_PLANS[lowest:highest])
            hotels.append(
                WorldHotel(
                    len(hotels) + 1, name, first, second, kind, stars, code, country, resort, meals
                )
            )
        self.hotels = hotels
