"""The planner's chart: each figure of the plan's year against the CRM's last 12 months,
as a pair of horizontal bars (the plan hatched, the CRM solid).

Tours, clients and dollars share no scale, so each pair is drawn on its own: the longer
of the two spans the plot, and the reader compares the two bars of a pair and reads the
percentage of the plan written above them. The template is manager/_plan_chart.html.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.care.planner import Comparison
from webapp.chart_frame import Frame

# The right margin holds the bars' value labels; each figure takes a band of ROW units.
ROW = 58
BAR = 16
LEGEND = 30


@dataclass(frozen=True, slots=True)
class PairOfBars:
    comparison: Comparison
    label_y: float  # the figure's name and percentage
    plan_y: float
    plan_width: float
    actual_y: float
    actual_width: float


@dataclass(frozen=True, slots=True)
class PlanChart:
    frame: Frame
    bar_height: int
    pairs: list[PairOfBars]


def plan_chart(comparisons: list[Comparison]) -> PlanChart:
    frame = Frame(
        width=480,
        height=LEGEND + ROW * len(comparisons) + 4,
        left=8,
        right=96,
        top=LEGEND,
        bottom=4,
    )
    pairs = []
    for index, comparison in enumerate(comparisons):
        longest = max(comparison.plan, comparison.actual)
        top = frame.top + index * ROW
        pairs.append(
            PairOfBars(
                comparison=comparison,
                label_y=top + 14,
                plan_y=top + 20,
                plan_width=float(comparison.plan / longest) * frame.plot_width if longest else 0,
                actual_y=top + 20 + BAR + 2,
                actual_width=float(comparison.actual / longest) * frame.plot_width
                if longest
                else 0,
            )
        )
    return PlanChart(frame=frame, bar_height=BAR, pairs=pairs)
