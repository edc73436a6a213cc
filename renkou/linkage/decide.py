"""From scored pairs to decisions: auto-link, clerical review or unlinked (pure, no I/O)."""

from __future__ import annotations

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
) -> list[Decision]:
    """Decide every left record.

    A deterministic rule wins. Otherwise the best-scoring person is auto-linked when its probability reaches
    ``upper``, the model converged, and no other person reaches ``lower`` (two plausible persons are a question for
    a clerk, not for the machine); between the thresholds, or when ambiguous or not converged, the pair is reviewed.
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
        clear = probability >= upper and len(plausible) == 1 and converged
        decisions.append(Decision(left_id, person, probability, "model", AUTO if clear else REVIEW))
    return decisions
