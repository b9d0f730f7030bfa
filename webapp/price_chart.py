"""The geometry of the hotel page's price-history chart: where each day's point goes.

The template (`_price_history.html`) draws the SVG from this; the frame's geometry is
webapp/chart_frame.py's, shared with the back office's charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.catalog.price_history import PriceHistory
from webapp.chart_frame import Frame, fraction

# Room on the left for the price labels, below for the dates.
FRAME = Frame(width=600, height=160, left=90, right=12, top=14, bottom=30)


@dataclass(frozen=True, slots=True)
class ChartPoint:
    x: float
    y: float
    day: date
    price: Decimal


@dataclass(frozen=True, slots=True)
class PriceChart:
    width: int
    height: int
    left: int
    right_edge: int
    top: int
    baseline: int
    points: list[ChartPoint]
    highest: Decimal
    lowest: Decimal

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)


def price_chart(history: PriceHistory) -> PriceChart | None:
    """The chart of a history with at least two days; None when there is nothing to draw."""
    if len(history.points) < 2:
        return None
    highest, lowest = history.highest, history.lowest
    assert highest is not None and lowest is not None
    first_day, last_day = history.points[0].day, history.points[-1].day
    points = [
        ChartPoint(
            x=FRAME.x(fraction((point.day - first_day).days, 0, (last_day - first_day).days)),
            y=FRAME.y(fraction(float(point.price), float(lowest), float(highest))),
            day=point.day,
            price=point.price,
        )
        for point in history.points
    ]
    return PriceChart(
        width=FRAME.width,
        height=FRAME.height,
        left=FRAME.left,
        right_edge=FRAME.right_edge,
        top=FRAME.top,
        baseline=FRAME.baseline,
        points=points,
        highest=highest,
        lowest=lowest,
    )
