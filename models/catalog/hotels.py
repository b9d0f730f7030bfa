"""The reference catalogue: operators, geography, canonical hotels and operators' aliases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime
from models.catalog.search_keys import search_key


class Operator(Base):
    """A tour operator whose offers Tourscope collects."""

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    enabled: Mapped[bool] = mapped_column(default=True)


class Country(Base):
    __tablename__ = "countries"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)  # ISO 3166-1 alpha-2
    name: Mapped[str] = mapped_column(String(100), unique=True)  # English
    # The Russian name (models/catalog/place_names.py); None where no source gives one.
    name_ru: Mapped[str | None] = mapped_column(String(100))

    resorts: Mapped[list[Resort]] = relationship(back_populates="country")


class Resort(Base):
    __tablename__ = "resorts"
    __table_args__ = (UniqueConstraint("country_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("countries.id"))
    name: Mapped[str] = mapped_column(String(100))  # English, as the gazetteer writes it
    name_ru: Mapped[str | None] = mapped_column(String(100))
    # Both names' sound keys (models/catalog/search_keys.py), written with them.
    search_key: Mapped[str] = mapped_column(String(400), default="", server_default="")

    country: Mapped[Country] = relationship(back_populates="resorts")
    hotels: Mapped[list[Hotel]] = relationship(back_populates="resort")


class DepartureCity(Base):
    __tablename__ = "departure_cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(3), unique=True)  # IATA city code
    name: Mapped[str] = mapped_column(String(100))  # English
    name_ru: Mapped[str | None] = mapped_column(String(100))


class Hotel(Base):
    """A canonical hotel: one real building, whatever each operator calls it."""

    __tablename__ = "hotels"

    id: Mapped[int] = mapped_column(primary_key=True)
    resort_id: Mapped[int] = mapped_column(ForeignKey("resorts.id"), index=True)
    # The cleanest of its aliases' spellings (models/catalog/display_names.py), recomputed
    # as aliases come, unless an admin named the hotel by hand.
    name: Mapped[str] = mapped_column(String(200))
    # The name's sound keys (models/catalog/search_keys.py), written with it: what a search in
    # any script compares.
    search_key: Mapped[str] = mapped_column(String(600), default="", server_default="")
    name_set_by_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    stars: Mapped[int | None] = mapped_column(SmallInteger)
    # Set when an admin merged this hotel into another: it keeps no alias or offer, and
    # its old address redirects to the surviving hotel (undoing the merge clears it).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("hotels.id"))
    # Content merged from what its operators say of it (OperatorHotelContent), by the
    # rules of models/catalog/hotel_content.py; recomputed when that content or the aliases change.
    description: Mapped[str | None] = mapped_column(Text)
    # [{"url": ..., "operator_id": ...}]: every photo with the operator that gave it.
    photos: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    # Which operators each merged field came from: {"description": 3, "location": [1, 3]...}.
    content_sources: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )

    resort: Mapped[Resort] = relationship(back_populates="hotels")
    aliases: Mapped[list[HotelAlias]] = relationship(back_populates="hotel")


class HotelAlias(Base):
    """An operator's own name and code for a hotel, pointing at the canonical hotel."""

    __tablename__ = "hotel_aliases"
    __table_args__ = (UniqueConstraint("operator_id", "operator_hotel_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotels.id"), index=True)
    operator_hotel_code: Mapped[str] = mapped_column(String(100))
    operator_hotel_name: Mapped[str] = mapped_column(String(300))
    # How sure the matcher was (0-100); None for aliases linked by hand.
    match_score: Mapped[float | None] = mapped_column(Float)

    hotel: Mapped[Hotel] = relationship(back_populates="aliases")
    operator: Mapped[Operator] = relationship()


class OperatorHotelContent(Base):
    """What one operator says of one of its hotels: description, photos, location, contacts.

    Keyed like an alias, by the operator's own hotel code, so it follows the alias through
    merges and split-offs, and content read before the hotel's first offer waits for it.
    Only validated values are kept (crawler/pipelines/hotel_content.py). A field the
    operator's latest answer left out keeps its earlier value: content is never wiped.
    """

    __tablename__ = "operator_hotel_content"
    __table_args__ = (UniqueConstraint("operator_id", "operator_hotel_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    operator_hotel_code: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)  # plain text, paragraphs apart
    photos: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    # When the operator last answered about the hotel (a crawl asks again once it is
    # stale), and when what it said last changed.
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HotelMatchReview(Base):
    """A doubtful match the matcher did not make on its own, waiting for an admin.

    The alias was given a canonical hotel of its own; `candidate_hotel` is the hotel it
    may really be. Confirming moves the alias (and its offers) to the candidate;
    splitting keeps them apart for good.
    """

    __tablename__ = "hotel_match_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    alias_id: Mapped[int] = mapped_column(ForeignKey("hotel_aliases.id"), index=True)
    candidate_hotel_id: Mapped[int] = mapped_column(ForeignKey("hotels.id"))
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # confirmed / split
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    alias: Mapped[HotelAlias] = relationship()
    candidate_hotel: Mapped[Hotel] = relationship()


class HotelMerge(Base):
    """An admin's merge of one canonical hotel into another, kept so it can be undone.

    `alias_ids` are the aliases that moved to the surviving hotel, `offer_ids` their
    offers and `trip_ids` the trips that pointed at the merged hotel; undoing moves them
    back (models/catalog/hotel_merges.py).
    """

    __tablename__ = "hotel_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    surviving_hotel_id: Mapped[int] = mapped_column(ForeignKey("hotels.id"), index=True)
    merged_hotel_id: Mapped[int] = mapped_column(ForeignKey("hotels.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("hotel_match_reviews.id"))
    alias_ids: Mapped[list[int]] = mapped_column(JSON)
    offer_ids: Mapped[list[int]] = mapped_column(JSON)
    trip_ids: Mapped[list[int]] = mapped_column(JSON)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    surviving_hotel: Mapped[Hotel] = relationship(foreign_keys=[surviving_hotel_id])
    merged_hotel: Mapped[Hotel] = relationship(foreign_keys=[merged_hotel_id])


@event.listens_for(Hotel, "before_insert")
@event.listens_for(Hotel, "before_update")
def _hotel_search_key(_mapper, _connection, hotel: Hotel) -> None:
    hotel.search_key = search_key(hotel.name)[:600]


@event.listens_for(Resort, "before_insert")
@event.listens_for(Resort, "before_update")
def _resort_search_key(_mapper, _connection, resort: Resort) -> None:
    resort.search_key = search_key(resort.name, resort.name_ru)[:400]
