"""The KPI page's chart: one manager's points month by month, a stacked bar a month.

Each bar stacks the three parts' points (sales at the bottom, then feedback, then the
procedure), so its height is the month's total out of the weights' sum (100). The parts
differ by fill pattern, not colour, and every bar carries its total as a label; a month
with nothing scores a visible 0, not a missing bar. The template is
manager/_kpi_chart.html.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.care.kpi import PARTS, KpiRow
from webapp.chart_frame import Frame, fraction

# Narrow enough that the labels stay legible when a phone shrinks the box to its width.
FRAME = Frame(width=480, height=230, left=34, right=8, top=34, bottom=36)
BAR_SHARE = 0.7  # of a month's slot; the rest is the gap between bars


@dataclass(frozen=True, slots=True)
class Segment:
    part: str
    points: Decimal
    y: float
    height: float


@dataclass(frozen=True, slots=True)
class Bar:
    month: date
    x: float
    width: float
    total: Decimal
    top: float  # y of the bar's top, where its total is written
    segments: list[Segment]

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True, slots=True)
class KpiChart:
    frame: Frame
    maximum: Decimal  # the points a month can earn, at the plot's top
    bars: list[Bar]

    @property
    def ticks(self) -> list[tuple[Decimal, float]]:
        """The scale's marks: none, half and all the points, with their y."""
        return [(self.maximum * share / 2, self.frame.y(share / 2)) for share in range(3)]


def kpi_chart(rows: list[KpiRow], weights: dict[str, float]) -> KpiChart:
    """The chart of one manager's months (kpi_history's rows, oldest first)."""
    maximum = Decimal(str(sum(weights[part] for part in PARTS)))
    bars = []
    for index, row in enumerate(rows):
        slot_x, slot_width = FRAME.slot(index, len(rows))
        # A year of bars is narrow; a lone month is not drawn a plot wide.
        width = min(slot_width * BAR_SHARE, 40)
        stacked = Decimal(0)
        segments = []
        for part in PARTS:
            bottom = FRAME.y(fraction(float(stacked), 0, float(maximum)))
            stacked += row.points[part]
            top = FRAME.y(fraction(float(stacked), 0, float(maximum)))
            segments.append(Segment(part, row.points[part], top, bottom - top))
        bars.append(
            Bar(
                month=row.month,
                x=slot_x + (slot_width - width) / 2,
                width=width,
                total=row.total,
                top=FRAME.y(fraction(float(stacked), 0, float(maximum))),
                segments=segments,
            )
        )
    return KpiChart(frame=FRAME, maximum=maximum, bars=bars)
