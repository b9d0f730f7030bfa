"""Hotel matching measured against the sandbox's ground truth, as pairwise precision/recall.

Two operator hotels form a pair; the pair is "same" in the truth when both are the same
world hotel, and "same" in the catalogue when both aliases point at one canonical hotel.
"""

from collections import Counter
from dataclasses import dataclass

import httpx

from models.queries.matching import AliasAssignment

PRECISION_TARGET = 0.98
RECALL_TARGET = 0.95


@dataclass(frozen=True)
class MatchingScore:
    aliases: int
    canonical_hotels: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def meets_target(self) -> bool:
        return self.precision >= PRECISION_TARGET and self.recall >= RECALL_TARGET


def _pairs(counts: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def score_matching(
    assignments: list[AliasAssignment], truth: dict[str, dict[str, int]]
) -> MatchingScore:
    """Pairwise scores of `assignments` against `truth` (operator -> code -> world hotel)."""
    known = [
        (a.hotel_id, truth[a.operator_code][a.operator_hotel_code])
        for a in assignments
        if a.operator_hotel_code in truth.get(a.operator_code, {})
    ]
    # Pairs sharing both the predicted and the true hotel are the correct ones.
    return MatchingScore(
        aliases=len(known),
        canonical_hotels=len({predicted for predicted, _ in known}),
        true_pairs=_pairs(Counter(true for _, true in known)),
        predicted_pairs=_pairs(Counter(predicted for predicted, _ in known)),
        correct_pairs=_pairs(Counter(known)),
    )


def fetch_truth(sandbox_url: str, operators: dict[str, str]) -> dict[str, dict[str, int]]:
    """Operator code -> its hotel codes' world hotels; `operators` maps each operator code
    to its place in the sandbox (a protocol account on the replica names the replica)."""
    with httpx.Client(base_url=sandbox_url, timeout=30) as client:
        return {
            code: client.get(f"/_sandbox/truth/{place}").raise_for_status().json()
            for code, place in operators.items()
        }
