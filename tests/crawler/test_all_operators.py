"""All six demo operators crawled together into one fresh catalogue."""

from sqlalchemy import distinct, func, select

from models import Hotel, HotelAlias, Offer, Operator
from sandbox.app import OPERATORS

SIX_FORMATS = {"suncoast", "aerotour", "samotravel", "feedline", "pricelist", "mediterra"}


def test_every_operator_lands_in_one_catalogue_with_hotels_matched_across_them(crawl, session):
    assert set(OPERATORS) >= SIX_FORMATS
    result = crawl(*sorted(SIX_FORMATS))
    assert result.returncode == 0, result.stdout + result.stderr

    per_operator = dict(
        session.execute(
            select(Operator.code, func.count(Offer.id))
            .join(Offer, Offer.operator_id == Operator.id)
            .where(Offer.is_active.is_(True))
            .group_by(Operator.code)
        ).all()
    )
    assert set(per_operator) == SIX_FORMATS
    assert all(count >= 250 for count in per_operator.values()), per_operator

    # The same hotel lists offers from several operators: that is the point of the site.
    operators_per_hotel = (
        select(Offer.hotel_id, func.count(distinct(Offer.operator_id)).label("operators"))
        .group_by(Offer.hotel_id)
        .subquery()
    )
    shared = session.scalar(
        select(func.count())
        .select_from(operators_per_hotel)
        .where(operators_per_hotel.c.operators >= 3)
    )
    assert shared >= 20
    # Matching merged the operators' hotels instead of creating one hotel per spelling:
    # there are never more canonical hotels than the world has (400).
    aliases = session.scalar(select(func.count()).select_from(HotelAlias))
    hotels = session.scalar(
        select(func.count()).select_from(Hotel).where(Hotel.merged_into_id.is_(None))
    )
    assert hotels <= 400 < aliases
