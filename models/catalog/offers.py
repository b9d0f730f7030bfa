"""Tour offers: one bookable package (hotel, flight, dates, room, meal) at one operator."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ColumnElement,
    Computed,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    literal_column,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Money, UTCDateTime
from models.catalog.hotels import DepartureCity, Hotel, Operator
from models.catalog.price_keys import cheapest_key
from tourscope.foundation.i18n import N_


class Availability(StrEnum):
    """What the operator says about seats: only the first two can be sold."""

    AVAILABLE = "available"
    ON_REQUEST = "on_request"  # the operator must confirm; shown, flagged
    STOP_SALE = "stop_sale"  # the hotel is not selling; kept out of search
    SOLD_OUT = "sold_out"  # no seats (hotel or flight); kept out of search


BOOKABLE = (Availability.AVAILABLE.value, Availability.ON_REQUEST.value)
# The offers a search can find, as SQL: the predicate of the partial search index. A query
# uses that index only when its WHERE repeats these terms (models/catalog/search.py).
ON_SALE_SQL = "is_active = true AND availability IN ('available', 'on_request')"
ON_SALE_SQLITE = "is_active = 1 AND availability IN ('available', 'on_request')"


class MealPlan(StrEnum):
    """Normalized board codes, from least to most included."""

    RO = "RO"  # room only
    BB = "BB"  # bed & breakfast
    HB = "HB"  # half board
    FB = "FB"  # full board
    AI = "AI"  # all inclusive
    UAI = "UAI"  # ultra all inclusive

    @property
    def rank(self) -> int:
        return list(MealPlan).index(self)

    @property
    def label(self) -> str:
        return MEAL_LABELS[self]

    @classmethod
    def from_text(cls, text: str) -> MealPlan | None:
        """The board a code ("AI") or its label ("all inclusive") names, any case."""
        wanted = text.strip().lower()
        return next(
            (meal for meal in cls if wanted in (meal.value.lower(), meal.label.lower())), None
        )


# In English, as codes are matched against them; shown translated (N_ marks them for the
# catalog).
MEAL_LABELS = {
    MealPlan.RO: N_("Room only"),
    MealPlan.BB: N_("Bed & breakfast"),
    MealPlan.HB: N_("Half board"),
    MealPlan.FB: N_("Full board"),
    MealPlan.AI: N_("All inclusive"),
    MealPlan.UAI: N_("Ultra all inclusive"),
}


MEAL_CODES_SQL = ", ".join(f"'{m.value}'" for m in MealPlan)


class Offer(Base):
    __tablename__ = "offers"
    __table_args__ = (
        # Re-crawls update an offer in place: the operator's stable key identifies it.
        UniqueConstraint("operator_id", "offer_key"),
        CheckConstraint(f"meal IN ({MEAL_CODES_SQL})", name="meal_code"),
        CheckConstraint("nights BETWEEN 1 AND 30", name="nights_range"),
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint(
            "availability IN ('available', 'on_request', 'stop_sale', 'sold_out')",
            name="availability_code",
        ),
        # Search and price calendar: only offers on sale, for one party, in one country
        # (a search of every country probes each in turn), over a departure range. The
        # INCLUDE columns answer the grouping by hotel from the index alone (an
        # index-only scan); the heap is read only for the page's cheapest offers. The
        # fixed-width ones come first, so reading them skips the columns before them
        # (migration 0024).
        Index(
            "ix_offers_party_search",
            "country_id",
            "adults",
            "children",
            "departure_date",
            "nights",
            postgresql_include=[
                "cheapest_key",
                "hotel_id",
                "operator_id",
                "departure_city_id",
                "resort_id",
                "id",
                "stars",
                "price_base",
                "meal",
            ],
            postgresql_where=text(ON_SALE_SQL),
            sqlite_where=text(ON_SALE_SQLITE),
        ),
        Index("ix_offers_hotel_date", "hotel_id", "departure_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    offer_key: Mapped[str] = mapped_column(String(200))
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotels.id"))
    # Copies of the hotel's place and stars, kept in step by the crawl's merge, so a search
    # filters offers on one covering index without joining hotels and resorts.
    country_id: Mapped[int]
    resort_id: Mapped[int]
    stars: Mapped[int | None] = mapped_column(SmallInteger)
    departure_city_id: Mapped[int] = mapped_column(ForeignKey("departure_cities.id"))
    departure_date: Mapped[date]
    nights: Mapped[int] = mapped_column(SmallInteger)
    meal: Mapped[str] = mapped_column(String(3))
    room_type: Mapped[str] = mapped_column(String(200))
    adults: Mapped[int] = mapped_column(SmallInteger)
    children: Mapped[int] = mapped_column(SmallInteger, default=0)
    # The all-in price as the operator quoted it (surcharges such as fuel included, and
    # also kept apart), and converted to the base currency for comparison.
    price: Mapped[Decimal] = mapped_column(Money())
    surcharge: Mapped[Decimal] = mapped_column(Money(), default=0)
    currency: Mapped[str] = mapped_column(String(3))
    price_base: Mapped[Decimal] = mapped_column(Money())
    availability: Mapped[str] = mapped_column(String(12), default=Availability.AVAILABLE)
    url: Mapped[str] = mapped_column(String(1000))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Bookkeeping, not a foreign key: old crawl runs can be pruned, and the merge of a
    # million offers skips a million constraint checks.
    last_crawl_run_id: Mapped[int | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    # (price, id) packed for min() (models/catalog/price_keys.py), computed by the database
    # from the row: stored on PostgreSQL, where the search index carries it.
    cheapest_key: Mapped[int] = mapped_column(
        BigInteger,
        Computed(cheapest_key(literal_column("price_base"), literal_column("id")), persisted=True),
    )

    operator: Mapped[Operator] = relationship()
    hotel: Mapped[Hotel] = relationship()
    departure_city: Mapped[DepartureCity] = relationship()


def on_sale() -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Active, bookable offers, spelt as the search index's predicate (ON_SALE_SQL) so that
    both databases see a query is covered by the partial index: `is_active = true` and the
    availability codes as literals, not bound parameters."""
    bookable = bindparam("bookable", list(BOOKABLE), expanding=True, literal_execute=True)
    return Offer.is_active == true(), Offer.availability.in_(bookable)


class StagedOffer(Base):
    """Offers of a crawl in progress, merged into `offers` only when the crawl succeeds.

    A crawl that fails or is cut off never touches the live catalogue: its staged rows
    are discarded. A key seen twice in one crawl keeps its last row (highest id).

    Built for loading speed: no foreign keys or indexes (the merge into `offers` checks
    the references), and on PostgreSQL the table is UNLOGGED (migration 0003).
    """

    __tablename__ = "offer_staging"

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_run_id: Mapped[int]
    operator_id: Mapped[int]
    offer_key: Mapped[str] = mapped_column(String(200))
    hotel_id: Mapped[int]
    country_id: Mapped[int]
    resort_id: Mapped[int]
    stars: Mapped[int | None] = mapped_column(SmallInteger)
    departure_city_id: Mapped[int]
    departure_date: Mapped[date]
    nights: Mapped[int] = mapped_column(SmallInteger)
    meal: Mapped[str] = mapped_column(String(3))
    room_type: Mapped[str] = mapped_column(String(200))
    adults: Mapped[int] = mapped_column(SmallInteger)
    children: Mapped[int] = mapped_column(SmallInteger)
    price: Mapped[Decimal] = mapped_column(Money())
    surcharge: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    price_base: Mapped[Decimal] = mapped_column(Money())
    availability: Mapped[str] = mapped_column(String(12))
    url: Mapped[str] = mapped_column(String(1000))


class HotelDayPrice(Base):
    """The on-sale offers of one hotel for one party departing on one day, summed up: the
    cheapest price and offer, how many offers, which operators.

    Derived from `offers` and kept in step by whatever changes them, in the same
    transaction (models/catalog/min_prices.py): a crawl's landing, hotel merges, undos and
    split-offs. A search that filters only on what a row knows (place, stars, hotel name,
    party, dates), the price calendar of such a search and the reference lists read these
    rows: the landing page reads a few thousand of them where it read about a million
    index entries of offers.

    The place and stars are those of the offers (copies of the hotel's), so a row filters
    exactly as its offers would. No foreign keys: the rows are rebuilt in bulk.
    """

    __tablename__ = "hotel_day_prices"
    __table_args__ = (
        # Like the offers' search index: one party in one country (a search of every
        # country probes each in turn) over a departure range; the INCLUDE columns answer
        # the grouping by hotel from the index alone.
        Index(
            "ix_hotel_day_prices_party_search",
            "country_id",
            "adults",
            "children",
            "departure_date",
            postgresql_include=[
                "hotel_id",
                "resort_id",
                "stars",
                "cheapest_key",
                "offer_count",
            ],
        ),
        # A refresh replaces a hotel's rows; a results page counts its hotels' operators
        # over the search's days.
        Index(
            "ix_hotel_day_prices_hotel_party", "hotel_id", "adults", "children", "departure_date"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int]
    country_id: Mapped[int]
    resort_id: Mapped[int]
    stars: Mapped[int | None] = mapped_column(SmallInteger)
    adults: Mapped[int] = mapped_column(SmallInteger)
    children: Mapped[int] = mapped_column(SmallInteger)
    departure_date: Mapped[date]
    # The lowest (base price, offer id) packed in one BIGINT (models/catalog/price_keys.py):
    # the day's cheapest offer, ties by id, and its price.
    cheapest_key: Mapped[int] = mapped_column(BigInteger)
    offer_count: Mapped[int]
    # The ids of the operators selling these offers, comma-separated: a hotel's operator
    # count over several days is the size of the union, so it cannot be summed.
    operator_ids: Mapped[str] = mapped_column(Text)


class PriceChange(Base):
    """An offer's price before and after a crawl that saw it change (only on change)."""

    __tablename__ = "price_changes"
    __table_args__ = (
        Index("ix_price_changes_offer_changed", "offer_id", "changed_at"),
        # What changed since an instant: the price-alert digests (migration 0017).
        Index("ix_price_changes_changed_at", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The offer and the run, without foreign keys: only a crawl's merge writes this
    # append-only history, from a join with the offers, for the run merging, and offers
    # and runs are never deleted. Checking each row cost a re-crawl of 500,000 changed
    # prices 4.4 s of 7.1 s (migration 0022).
    offer_id: Mapped[int]
    crawl_run_id: Mapped[int | None]
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    old_price: Mapped[Decimal] = mapped_column(Money())
    new_price: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    old_price_base: Mapped[Decimal] = mapped_column(Money())
    new_price_base: Mapped[Decimal] = mapped_column(Money())
