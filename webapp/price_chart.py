"""The geometry of the hotel page's price-history chart: where each day's point goes.

The template (`_price_history.html`) draws the SVG from this; the numbers are in the
SVG's own units, so the chart scales with its box and needs no script.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.queries.price_history import PriceHistory

WIDTH = 600
HEIGHT = 160
LEFT = 90  # room for the price labels
RIGHT = 12
TOP = 14
BOTTOM = 30  # room for the date labels


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
    span_days = max((history.points[-1].day - history.points[0].day).days, 1)
    span_price = highest - lowest
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    def y(price: Decimal) -> float:
        if not span_price:
            return TOP + plot_height / 2
        return TOP + float((highest - price) / span_price) * plot_height

    points = [
        ChartPoint(
            x=LEFT + (point.day - history.points[0].day).days / span_days * plot_width,
            y=y(point.price),
            day=point.day,
            price=point.price,
        )
        for point in history.points
    ]
    return PriceChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right_edge=WIDTH - RIGHT,
        top=TOP,
        baseline=HEIGHT - BOTTOM,
        points=points,
        highest=highest,
        lowest=lowest,
    )
