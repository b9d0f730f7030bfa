"""The geometry every back-office and catalogue chart shares: a plot area inside an SVG
box, in the SVG's own units (the box scales with the page, so no script measures it).

A chart module (price_chart, kpi_chart, plan_chart) maps its figures to fractions of
the plot's width and height; the frame turns those into coordinates, y growing upwards
from the baseline as a reader expects.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Frame:
    width: int
    height: int
    left: int  # room for the value labels
    right: int
    top: int
    bottom: int  # room for the labels under the plot

    @property
    def right_edge(self) -> int:
        return self.width - self.right

    @property
    def baseline(self) -> int:
        return self.height - self.bottom

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom

    def x(self, fraction: float) -> float:
        """The x of a fraction (0 to 1) of the plot's width, from its left edge."""
        return self.left + fraction * self.plot_width

    def y(self, fraction: float) -> float:
        """The y of a fraction (0 to 1) of the plot's height, up from the baseline."""
        return self.baseline - fraction * self.plot_height

    def slot(self, index: int, count: int) -> tuple[float, float]:
        """The left x and the width of the `index`th of `count` equal slots across the
        plot (a bar chart's months)."""
        width = self.plot_width / count
        return self.left + index * width, width


def fraction(value: float, low: float, high: float) -> float:
    """Where `value` lies between `low` and `high`, 0 to 1; the middle when they are equal
    (a flat series is drawn across the middle, not on an edge)."""
    if high == low:
        return 0.5
    return (value - low) / (high - low)
