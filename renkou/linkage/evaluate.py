"""Quality of a linkage run measured against the synthetic city's ground truth.

The truth names, for each dirty row (file, line), the true person's ID number. A quarantined row is *linkable*
when that person is in the register at all (some persons are only known through rows that were quarantined);
recall is measured over linkable rows, precision over auto-linked rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from renkou.engine import Engine
from renkou.errors import UserError
from renkou.linkage.records import WEAK_EVIDENCE
from renkou.register.keys import RegisterKeys
from renkou.register.transform import keyed


@dataclass(frozen=True)
class Quality:
    """Counts and rates of one run against the truth."""

    records: int
    linkable: int
    auto: int
    auto_correct: int
    review: int
    review_correct: int
    by_kind: dict[str, dict[str, int]]
    # Counts per (kind of dirt, evidence the row carried; see renkou.linkage.records.evidence).
    by_class: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        """Share of auto-links that are the true person (1 when nothing was auto-linked)."""
        return self.auto_correct / self.auto if self.auto else 1.0

    @property
    def recall(self) -> float:
        """Share of linkable rows auto-linked to their true person."""
        return self.auto_correct / self.linkable if self.linkable else 1.0

    @property
    def review_share(self) -> float:
        """Share of all linkage records sent to clerical review."""
        return self.review / self.records if self.records else 0.0

    def recall_of(self, kinds: tuple[str, ...]) -> float:
        """Recall restricted to rows whose dirt is one of ``kinds``."""
        linkable = sum(self.by_kind.get(k, {}).get("linkable", 0) for k in kinds)
        correct = sum(self.by_kind.get(k, {}).get("auto_correct", 0) for k in kinds)
        return correct / linkable if linkable else 1.0

    def counts_where(self, *, weak: bool) -> dict[str, int]:
        """Counts over the rows with weak evidence (only a name, or pointers to no one known; ``True``) or more."""
        chosen = [c for (_kind, evidence), c in self.by_class.items() if (evidence in WEAK_EVIDENCE) == weak]
        return {n: sum(c.get(n, 0) for c in chosen) for n in COUNT_NAMES}

    def recall_where(self, *, weak: bool) -> float:
        """Recall over the rows with weak evidence (``True``), or over those that carried more (``False``)."""
        counts = self.counts_where(weak=weak)
        return counts["auto_correct"] / counts["linkable"] if counts["linkable"] else 1.0


COUNT_NAMES = ("records", "linkable", "auto", "auto_correct", "review", "review_correct")


def measure(engine: Engine, keys: RegisterKeys, truth: Path, run_id: int | None = None) -> Quality:
    """Compare a run (default: the latest) with the truth Parquet file written by the synthetic city."""
    if not truth.is_file():
        raise UserError(f"找不到真值文件：{truth}", f"truth file not found: {truth}")
    run = run_id if run_id is not None else engine.scalar("SELECT max(run_id) FROM link_runs")
    if run is None:
        raise UserError("还没有比对结果，请先运行 renkou link run", "no linkage run yet: run `renkou link run` first")
    secret = "'" + keys.pseudonym_prefix_hex() + "'"
    path = str(truth).replace("'", "''")
    # The true person's subject key is computed from the true ID number the way ingest computes it.
    rows = engine.rows(
        "WITH t AS (SELECT file, line, kind, hex("
        + keyed(secret, "person_id")
        + f") AS truth FROM read_parquet('{path}')), "
        "persons AS (SELECT DISTINCT hex(subject_id) AS subject FROM identity), "
        "r AS (SELECT r.*, t.kind, t.truth, (t.truth IN (SELECT subject FROM persons)) AS linkable "
        "FROM link_results r LEFT JOIN t ON t.file = r.file_name AND t.line = r.line WHERE r.run_id = ?) "
        "SELECT coalesce(kind, '(none)'), coalesce(evidence, '(unknown)'), count(*), count(*) FILTER (linkable), "
        "count(*) FILTER (decision = 'auto'), count(*) FILTER (decision = 'auto' AND subject = truth), "
        "count(*) FILTER (decision = 'review'), count(*) FILTER (decision = 'review' AND subject = truth) "
        "FROM r GROUP BY ALL",
        [run],
    )
    by_class = {
        (str(row[0]), str(row[1])): dict(zip(COUNT_NAMES, (int(v) for v in row[2:]), strict=True)) for row in rows
    }
    by_kind: dict[str, dict[str, int]] = {}
    for (kind, _evidence), counts in by_class.items():
        into = by_kind.setdefault(kind, dict.fromkeys(COUNT_NAMES, 0))
        for n in COUNT_NAMES:
            into[n] += counts[n]
    total = {n: sum(k[n] for k in by_kind.values()) for n in COUNT_NAMES}
    return Quality(by_kind=by_kind, by_class=by_class, **total)
