"""Queries over hotel matching: which canonical hotel each operator's hotel was linked to."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.catalog.hotels import HotelAlias, Operator


@dataclass(frozen=True)
class AliasAssignment:
    operator_code: str
    operator_hotel_code: str
    hotel_id: int


def alias_assignments(session: Session) -> list[AliasAssignment]:
    rows = session.execute(
        select(Operator.code, HotelAlias.operator_hotel_code, HotelAlias.hotel_id).join(
            Operator, Operator.id == HotelAlias.operator_id
        )
    )
    return [AliasAssignment(*row) for row in rows]
