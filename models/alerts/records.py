"""Price alerts: a visitor's "tell me when this gets cheaper" on a search or a hotel.

The rules (subscribing with double opt-in, the signed links, the digests after a crawl)
are in models/alerts/workflow.py.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class PriceAlert(Base):
    """One subscription: an e-mail address, a search (and perhaps one hotel of it).

    Live once confirmed (the link in the confirmation mail), until unsubscribed or until
    the search's last departure date has passed (`expires_on`). Digests compare each
    offer's price now with its price when the alert was made (`created_at`, read back
    from `price_changes`), and `last_digest_at` keeps an offer from being announced twice
    for the same drop.
    """

    __tablename__ = "price_alerts"
    __table_args__ = (
        # The per-address limit counts an address's recent subscriptions.
        Index("ix_price_alerts_email_created", "email", "created_at"),
        # The digest run reads the live ones.
        Index("ix_price_alerts_live", "confirmed_at", "unsubscribed_at", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    # The search as query pairs (models/catalog/search.py `SearchFilters.query_params`),
    # its departure dates pinned to the window it had when the alert was made.
    search_query: Mapped[str] = mapped_column(String(2000))
    hotel_id: Mapped[int | None] = mapped_column(ForeignKey("hotels.id", ondelete="CASCADE"))
    currency: Mapped[str] = mapped_column(String(3))
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_on: Mapped[date]  # the search's last departure date: no digests after it
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
