"""Small factory functions that build catalogue and offer rows for tests."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

from models import Country, DepartureCity, Hotel, HotelAlias, Offer, Operator, Resort
from models.agency_time import agency_today
from models.base import utcnow

_sequence = count(1)


def in_days(days: int) -> date:
    """A date `days` from today: test data always departs relative to the day it runs."""
    return agency_today() + timedelta(days=days)


def make_operator(session: Session, code: str = "acme", name: str = "Acme Tours") -> Operator:
    operator = Operator(code=code, name=name, website=f"http://{code}.example")
    session.add(operator)
    session.flush()
    return operator


def make_country(session: Session, code: str = "TR", name: str = "Turkey") -> Country:
    country = Country(code=code, name=name)
    session.add(country)
    session.flush()
    return country


def make_resort(session: Session, country: Country, name: str = "Antalya") -> Resort:
    resort = Resort(country=country, name=name)
    session.add(resort)
    session.flush()
    return resort


def make_departure_city(session: Session, code: str = "MOW", name: str = "Moscow") -> DepartureCity:
    city = DepartureCity(code=code, name=name)
    session.add(city)
    session.flush()
    return city


def make_hotel(session: Session, resort: Resort, name: str = "Sea Breeze", stars: int = 4) -> Hotel:
    hotel = Hotel(resort=resort, name=name, stars=stars)
    session.add(hotel)
    session.flush()
    return hotel


def make_alias(
    session: Session,
    operator: Operator,
    hotel: Hotel,
    code: str,
    name: str,
    score: float | None = None,
) -> HotelAlias:
    """An operator's own code and spelling of a canonical hotel."""
    alias = HotelAlias(
        operator_id=operator.id,
        hotel_id=hotel.id,
        operator_hotel_code=code,
        operator_hotel_name=name,
        match_score=score,
    )
    session.add(alias)
    session.flush()
    return alias


def give_content(session: Session, alias: HotelAlias, **content) -> None:
    """What the alias's operator says of the hotel (description, photos, latitude...),
    kept and merged into the hotel's content, as a crawl does."""
    from models.catalog.hotel_content import refresh_hotel_content, save_operator_content

    save_operator_content(session, alias.operator_id, alias.operator_hotel_code, content, utcnow())
    refresh_hotel_content(session, [alias.hotel_id])


def make_offer(
    session: Session,
    *,
    operator: Operator,
    hotel: Hotel,
    departure_city: DepartureCity,
    departure_date: date | None = None,
    nights: int = 7,
    meal: str = "AI",
    price: str | Decimal = "1000.00",
    currency: str = "EUR",
    adults: int = 2,
    children: int = 0,
    is_active: bool = True,
    room_type: str = "Standard Double",
) -> Offer:
    now = utcnow()
    offer = Offer(
        operator=operator,
        offer_key=f"k{next(_sequence)}",
        hotel=hotel,
        country_id=hotel.resort.country_id,
        resort_id=hotel.resort_id,
        stars=hotel.stars,
        departure_city=departure_city,
        departure_date=departure_date or agency_today() + timedelta(days=14),
        nights=nights,
        meal=meal,
        room_type=room_type,
        adults=adults,
        children=children,
        price=Decimal(price),
        currency=currency,
        price_base=Decimal(price),
        url=f"{operator.website}/tour/{next(_sequence)}",
        first_seen_at=now,
        last_seen_at=now,
        is_active=is_active,
    )
    session.add(offer)
    session.flush()  # the hotel's day prices follow (models/catalog/min_prices.py)
    return offer


PASSWORD = "a-long-test-passphrase"


def make_user(
    session: Session,
    email: str = "manager@example.com",
    *,
    role: str = "manager",
    name: str = "",
    password: str = PASSWORD,
):
    """An active back-office account whose password is `password` (committed by the caller)."""
    from models.accounts.auth import create_user

    return create_user(session, email, password, role, name=name or email.split("@")[0].title())


def make_lead(
    session: Session,
    *,
    name: str = "Anna Visitor",
    score: int = 10,
    status: str = "new",
    created_at=None,
    assigned_to=None,
    source: str = "hotel",
    snapshot: dict | None = None,
    **fields,
):
    """A lead as the lead form stores it, with its "created" event."""
    from models.leads.records import Lead, LeadEvent

    created_at = created_at or utcnow()
    lead = Lead(
        name=name,
        score=score,
        score_reasons=fields.pop("score_reasons", [f"score {score}"]),
        status=status,
        created_at=created_at,
        assigned_to=assigned_to,
        source=source,
        phone=fields.pop("phone", "+49 30 1234567"),
        email=fields.pop("email", "anna@example.org"),
        consent=True,
        snapshot=snapshot
        if snapshot is not None
        else {
            "hotel": "Antalya Palace",
            "operator": "SunCoast Tours",
            "dates": "1 Jun 2027 – 8 Jun 2027",
            "nights": 7,
            "meal": "AI",
            "room": "Deluxe Sea View",
            "party": "2 adults + 2 children",
            "price": "6400.00",
            "currency": "EUR",
            "url": "http://suncoast.example/tour/1",
            "checked_at": created_at.isoformat(),
        },
        **fields,
    )
    session.add(lead)
    session.flush()
    session.add(LeadEvent(lead_id=lead.id, at=created_at, kind="created", to_status=status))
    session.flush()
    return lead


def make_client(
    session: Session,
    *,
    name: str = "Olga Client",
    email: str | None = "olga@example.org",
    manager=None,
    preferences: list[tuple[str, str] | tuple[str, str, str]] = (),
    children: list[date] = (),
    **fields,
):
    """A client record with (kind, value[, detail]) preferences and children's birth dates."""
    from models.care.clients import Client, ClientChild, ClientPreference

    client = Client(
        name=name,
        email=email,
        phone=fields.pop("phone", "+7 900 123 45 67"),
        manager=manager,
        **fields,
    )
    client.preferences = [
        ClientPreference(kind=p[0], value=p[1], detail=p[2] if len(p) > 2 else None)
        for p in preferences
    ]
    client.children = [ClientChild(birth_date=birth_date) for birth_date in children]
    session.add(client)
    session.flush()
    return client


def make_trip(
    session: Session,
    client,
    *,
    departure: date | None = None,
    nights: int = 7,
    price: str = "2400.00",
    manager=None,
    created_at=None,
    **fields,
):
    """A booked trip row for `client`, without its letters (those are planned by the
    trip workflow)."""
    from models.care.trips import Trip

    departure = departure or in_days(90)
    trip = Trip(
        client=client,
        manager=manager if manager is not None else client.manager,
        hotel_name=fields.pop("hotel_name", "Antalya Palace"),
        operator_name=fields.pop("operator_name", "SunCoast Tours"),
        destination=fields.pop("destination", "Antalya, Turkey"),
        departure_date=departure,
        return_date=departure + timedelta(days=nights),
        price=Decimal(price),
        created_at=created_at or utcnow(),
        **fields,
    )
    session.add(trip)
    session.flush()
    return trip


def row_count(session: Session, model) -> int:
    """Rows in the model's table: a refused change adds none."""
    from sqlalchemy import func, select

    return session.scalar(select(func.count()).select_from(model)) or 0


def trip_details(departure: date | None = None, nights: int = 7, **changes):
    """What a manager types on the trip form (models/care/trip_workflow.py TripDetails):
    Antalya Palace with SunCoast Tours, 2 adults, 2,400 EUR, `nights` from `departure`."""
    from models.care.trip_workflow import TripDetails

    departure = departure or in_days(90)
    values = {
        "hotel_name": "Antalya Palace",
        "operator_name": "SunCoast Tours",
        "destination": "Antalya, Turkey",
        "departure_date": departure,
        "return_date": departure + timedelta(days=nights),
        "adults": 2,
        "children": 0,
        "price": Decimal("2400.00"),
        "currency": "EUR",
    }
    return TripDetails(**{**values, **changes})


def make_march_sale(session: Session, seller, client_name: str):
    """A client `seller` contacted (warm) on 2 March 2026 and sold a trip on 9 March: one
    sale in the KPI month of March 2026. Returns the trip."""
    from models.care.clients import ClientContact

    client = make_client(session, name=client_name, manager=seller)
    session.add(
        ClientContact(
            client=client,
            manager_id=seller.id,
            at=datetime(2026, 3, 2, 10, tzinfo=UTC),
            kind="email",
            outcome="warm",
        )
    )
    return make_trip(session, client, created_at=datetime(2026, 3, 9, 10, tzinfo=UTC))


def make_march_rating(session: Session, manager):
    """A 5-star rating of `manager` (4 for the trip) submitted on 20 March 2026."""
    from models.care.trips import Feedback

    feedback = Feedback(
        trip=make_trip(session, make_client(session, manager=manager), manager=manager),
        manager_rating=5,
        trip_rating=4,
        submitted_at=datetime(2026, 3, 20, tzinfo=UTC),
    )
    session.add(feedback)
    return feedback


def client_form_fields(**fields) -> dict[str, list[str]]:
    """The back office's client form as posted (each field a list of values): Olga Petrova,
    two adults, with `fields` typed over it."""
    base = {"name": ["Olga Petrova"], "email": ["Olga@Example.ORG"], "adults": ["2"]}
    return {
        **base,
        **{name: value if isinstance(value, list) else [value] for name, value in fields.items()},
    }
