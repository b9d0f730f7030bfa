"""Operators' reference lists (countries, resorts, departures, meals, stars, hotels), kept
with the operator's own ids and the Tourscope code each maps to.

Protocol operators name everything by id; their lists are fetched at the start of each
crawl (crawler/spiders/base/search_api.py) and kept here, so that the crawl-health page
can show what is left unmapped and the hotel directory (stars, resort, coordinates,
photos the protocol gives) is at hand for matching and the hotel page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, UTCDateTime

# Kinds whose values must map to a Tourscope code; an unmapped one is shown, never hidden.
MAPPED_KINDS = ("country", "region", "departure", "meal", "stars")


class OperatorReference(Base):
    __tablename__ = "operator_references"
    __table_args__ = (UniqueConstraint("operator_id", "kind", "ref_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    kind: Mapped[str] = mapped_column(String(20))  # country, region, departure, meal, hotel...
    ref_id: Mapped[str] = mapped_column(String(64))  # the operator's id
    name: Mapped[str] = mapped_column(String(300))  # the operator's spelling
    # Tourscope's code: ISO country, IATA city, meal plan, stars, resort name; None: unmapped.
    code: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


def save_operator_references(
    session: Session, operator_id: int, rows: Iterable[dict[str, Any]], now: datetime
) -> int:
    """Insert or update the operator's reference rows (kind, ref_id, name, code, data)."""
    rows = list(rows)
    if not rows:
        return 0
    kinds = {row["kind"] for row in rows}
    existing = {
        (ref.kind, ref.ref_id): ref
        for ref in session.scalars(
            select(OperatorReference).where(
                OperatorReference.operator_id == operator_id, OperatorReference.kind.in_(kinds)
            )
        )
    }
    for row in rows:
        ref = existing.get((row["kind"], row["ref_id"]))
        if ref is None:
            ref = OperatorReference(operator_id=operator_id, kind=row["kind"], ref_id=row["ref_id"])
            session.add(ref)
            existing[(row["kind"], row["ref_id"])] = ref
        ref.name = row["name"][:300]
        ref.code = row.get("code")
        ref.data = row.get("data") or {}
        ref.seen_at = now
    return len(rows)


Unmapped = list[tuple[str, str, str]]  # (kind, the operator's id, its spelling)


def unmapped_values(session: Session, per_operator: int = 50) -> dict[int, Unmapped]:
    """Operator id -> (kind, operator's id, spelling) of its values with no Tourscope code,
    at most `per_operator` of them, for the crawl-health page."""
    query = (
        select(
            OperatorReference.operator_id,
            OperatorReference.kind,
            OperatorReference.ref_id,
            OperatorReference.name,
        )
        .where(OperatorReference.code.is_(None), OperatorReference.kind.in_(MAPPED_KINDS))
        .order_by(OperatorReference.operator_id, OperatorReference.kind, OperatorReference.name)
    )
    values: dict[int, Unmapped] = {}
    for operator_id, kind, ref_id, name in session.execute(query):
        listed = values.setdefault(operator_id, [])
        if len(listed) < per_operator:
            listed.append((kind, ref_id, name))
    return values
