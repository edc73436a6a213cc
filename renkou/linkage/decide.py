"""From scored pairs to decisions: auto-link, clerical review or unlinked (pure, no I/O)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

AUTO = "auto"
REVIEW = "review"
UNLINKED = "unlinked"


@dataclass(frozen=True)
class Decision:
    """The outcome for one left record: the chosen person (if any), its probability, how and what was decided."""

    left_id: str
    right_id: str | None
    probability: float | None
    method: str
    decision: str


def decide(
    left_ids: Iterable[str],
    pairs: Iterable[tuple[str, str, float]],
    *,
    upper: float,
    lower: float,
    converged: bool,
    rules: dict[str, tuple[str, str]] | None = None,
    margin_bits: float = 10.0,
) -> list[Decision]:
    """Decide every left record.

    A deterministic rule wins. Otherwise the best-scoring person is auto-linked when its probability reaches
    ``upper``, the model converged, and every other plausible person (at or above ``lower``) scores at least
    ``margin_bits`` of match weight less (2^10: a thousand times less likely); two close candidates are a question
    for a clerk, not for the machine. Between the thresholds, or when ambiguous or not converged, the pair is
    reviewed.
    """
    rules = rules or {}
    candidates: dict[str, list[tuple[float, str]]] = {}
    for left_id, right_id, probability in pairs:
        candidates.setdefault(left_id, []).append((probability, right_id))
    decisions: list[Decision] = []
    for left_id in left_ids:
        if left_id in rules:
            person, rule = rules[left_id]
            decisions.append(Decision(left_id, person, 1.0, rule, AUTO))
            continue
        plausible = sorted((c for c in candidates.get(left_id, []) if c[0] >= lower), reverse=True)
        if not plausible:
            decisions.append(Decision(left_id, None, None, "model", UNLINKED))
            continue
        probability, person = plausible[0]
        runner_up = plausible[1][0] if len(plausible) > 1 else None
        distinct = runner_up is None or _weight(probability) - _weight(runner_up) >= margin_bits
        clear = probability >= upper and distinct and converged
        decisions.append(Decision(left_id, person, probability, "model", AUTO if clear else REVIEW))
    return decisions


def _weight(probability: float) -> float:
    """Match weight (log2 odds) of a probability, finite at 0 and 1."""
    clipped = min(max(probability, 1e-300), 1 - 1e-16)
    return math.log2(clipped / (1 - clipped))
