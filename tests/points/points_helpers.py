"""Helpers for the points tests: synthetic citizen IDs and scoring records under a rule set."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from renkou.points.applicants import RecordApplicants
from renkou.points.evidence import EvidenceTable
from renkou.points.explain import Explanation, explain
from renkou.points.loader import RuleSet, load_rules
from renkou.points.ranking import Ranked, rank
from renkou.points.scoring import Scores, score

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def citizen_id(number: int, division: str = "310105", born: str = "19900101") -> str:
    """A valid 18-character ID (GB 11643 check character computed here, independently of renkou.ids)."""
    first17 = f"{division}{born}{number % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


@dataclass(frozen=True)
class Round:
    """A scored and ranked set of records."""

    rule_set: RuleSet
    table: EvidenceTable
    scores: Scores
    ranked: Ranked

    def total(self, row: int) -> float:
        return int(self.scores.total[row]) / 100

    def explain(self, row: int) -> Explanation:
        return explain(self.rule_set.rules, self.table, self.scores, row)


def run_round(rules: str, records: Sequence[Mapping[str, object]], quota: int | None = None) -> Round:
    """Score and rank records (IDs are added when missing) under a shipped rule set or a rule file."""
    rule_set = load_rules(rules)
    filled = [{"applicant_id": citizen_id(i + 1), **r} for i, r in enumerate(records)]
    table = RecordApplicants(filled).evidence(rule_set.rules)
    scores = score(rule_set.rules, table)
    return Round(rule_set, table, scores, rank(rule_set.rules, table, scores, quota))
