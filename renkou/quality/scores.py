"""Quality dimensions and scores from counts (pure functions, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass

# Quarantine reasons by the dimension they count against; any other reason counts against validity.
COMPLETENESS_REASONS = frozenset({"id_missing", "required_missing"})
CONSISTENCY_REASONS = frozenset({"id_sex_mismatch", "id_birth_mismatch", "before_birth", "correction_target_unknown"})
DIMENSIONS = ("completeness", "validity", "uniqueness", "consistency", "timeliness")


def dimension_of(reason: str) -> str:
    """The quality dimension a quarantine reason counts against."""
    if reason in COMPLETENESS_REASONS:
        return "completeness"
    if reason in CONSISTENCY_REASONS:
        return "consistency"
    return "validity"


@dataclass(frozen=True)
class BatchCounts:
    """What ingest recorded about one delivered file."""

    batch_id: int
    feed: str
    file_name: str
    rows: int
    accepted: int
    duplicates: int
    incomplete: int  # quarantined for a missing value
    invalid: int  # quarantined for a malformed or impossible value
    inconsistent: int  # quarantined for a contradiction, plus cross-department findings
    timely: int  # accepted events recorded within the timeliness window


def _share_ok(bad: int, total: int) -> float:
    return 1.0 - bad / total if total else 1.0


def dimensions(counts: BatchCounts) -> dict[str, float]:
    """Each dimension as a share in [0, 1] (1 = no problem seen)."""
    return {
        "completeness": _share_ok(counts.incomplete, counts.rows),
        "validity": _share_ok(counts.invalid, counts.rows),
        "uniqueness": _share_ok(counts.duplicates, counts.rows),
        "consistency": _share_ok(min(counts.inconsistent, counts.rows), counts.rows),
        "timeliness": counts.timely / counts.accepted if counts.accepted else 1.0,
    }


def score(dims: dict[str, float], weights: dict[str, float] | None = None) -> float:
    """Weighted mean of the dimensions on a 0-100 scale (equal weights by default)."""
    chosen = weights or dict.fromkeys(DIMENSIONS, 1.0)
    total = sum(chosen.values())
    return 100.0 * sum(dims[name] * weight for name, weight in chosen.items()) / total


def combine(batches: list[BatchCounts], feed: str) -> BatchCounts:
    """The counts of a whole department: the sum over its batches."""
    return BatchCounts(
        batch_id=0,
        feed=feed,
        file_name="",
        rows=sum(b.rows for b in batches),
        accepted=sum(b.accepted for b in batches),
        duplicates=sum(b.duplicates for b in batches),
        incomplete=sum(b.incomplete for b in batches),
        invalid=sum(b.invalid for b in batches),
        inconsistent=sum(b.inconsistent for b in batches),
        timely=sum(b.timely for b in batches),
    )
