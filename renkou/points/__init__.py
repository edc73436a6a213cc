"""Points for settlement (积分落户) and school admission (积分入学).

Rule sets are versioned YAML files (``renkou/points/rules/``), validated on load with line numbers
(:mod:`~renkou.points.loader`). Applicants' evidence comes from an :class:`~renkou.points.evidence.EvidenceProvider`
as typed columns (an applicants CSV file, a form's records, or
:class:`~renkou.points.register_evidence.RegisterEvidence`, which replaces what the population register knows); :func:`~renkou.points.scoring.score` scores every applicant
at once, :func:`~renkou.points.explain.explain` gives one applicant's line-by-line explanation,
:func:`~renkou.points.ranking.rank` ranks and admits, :mod:`~renkou.points.output` builds the masked ranking and
public list, and :class:`~renkou.points.history.PublicityRound` handles objections and re-scoring with an
append-only history. Scoring and ranking are pure NumPy; file reading and writing live in ``applicants`` and
``output``; rounds run by the service are stored sealed by :mod:`~renkou.points.store` (glue in
:mod:`~renkou.points.rounds`; endpoints in :mod:`renkou.api.routers.points`; the officer's page in
:mod:`renkou.web.points_pages` and the public list pages in :mod:`renkou.web.points_public`). Results reach the
applicants through the :mod:`renkou.notify` outbox: :mod:`~renkou.points.contacts` reads the phone and e-mail
columns of the applicants file, :mod:`~renkou.points.notices` makes the messages (published results, decided
objections, results an objection changed).
"""

from __future__ import annotations

import importlib
from typing import Any

# Names are imported on first use (PEP 562), so that ``import renkou.points.cli`` (and ``renkou --help``) does not
# pull in NumPy, pyarrow and pydantic.
_HOME = {
    "CsvApplicants": "csvfile",
    "RecordApplicants": "applicants",
    "EvidenceProvider": "evidence",
    "EvidenceTable": "evidence",
    "Explanation": "explain",
    "explain": "explain",
    "PublicityRound": "history",
    "ScoringHistory": "history",
    "RuleSet": "loader",
    "RulesError": "loader",
    "load_rules": "loader",
    "shipped_rule_sets": "loader",
    "Ranked": "ranking",
    "Reason": "ranking",
    "rank": "ranking",
    "Scores": "scoring",
    "score": "scoring",
}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"renkou.points.{_HOME[name]}"), name)
