"""Ranking scored applicants: order, tie-breaks, passing score, quotas (overall or per district / school).

Applicants who fail a gate are not ranked. The others are ordered by score, then by the rule set's tie-breaks
(e.g. Guangzhou: longer medical insurance in the city, then longer continuous permit); applicants still equal share
a rank ("1, 2, 2, 4"). With a quota of N places, everyone ranked within N is admitted; a group of equals that
straddles the cut-off is admitted whole (``admit_all``, Beijing) or not at all (``within_quota``, never more than N).
Pure NumPy: one sort of the eligible applicants, then run-length bookkeeping; no loop per applicant.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from renkou.errors import UserError
from renkou.points.evidence import EvidenceTable
from renkou.points.schema import RuleFile
from renkou.points.scoring import Scores, cents


class Reason(IntEnum):
    """Why an applicant is or is not admitted (the text is in :data:`REASON_TEXT`)."""

    NOT_ELIGIBLE = 0
    BELOW_PASSING = 1
    ADMITTED_PASSING = 2
    ADMITTED_QUOTA = 3
    ADMITTED_TIE = 4
    BEYOND_QUOTA = 5
    TIE_BEYOND_QUOTA = 6
    NO_PLACES = 7


REASON_TEXT: dict[Reason, tuple[str, str]] = {
    Reason.NOT_ELIGIBLE: ("不符合申请条件", "not eligible"),
    Reason.BELOW_PASSING: ("未达到标准分值", "below the passing score"),
    Reason.ADMITTED_PASSING: ("达到标准分值", "reaches the passing score"),
    Reason.ADMITTED_QUOTA: ("名次在名额内", "ranked within the quota"),
    Reason.ADMITTED_TIE: ("与录取线同分，一并录取", "tied at the cut-off; all tied are admitted"),
    Reason.BEYOND_QUOTA: ("名次在名额外", "ranked beyond the quota"),
    Reason.TIE_BEYOND_QUOTA: ("与录取线同分但名额不足", "tied at the cut-off; the tie does not fit in the quota"),
    Reason.NO_PLACES: ("该组无名额", "no places for this group"),
}


@dataclass(frozen=True)
class GroupResult:
    """The outcome for one quota group (the whole round when there are no groups)."""

    group: str
    places: int | None
    eligible: int
    admitted: int
    cutoff: float | None  # lowest admitted score


@dataclass(frozen=True)
class Ranked:
    """Ranks (0 = not ranked), admission and reasons per applicant, the output order, and per-group outcomes."""

    rank: np.ndarray
    admitted: np.ndarray
    reason: np.ndarray
    group: np.ndarray
    group_names: tuple[str, ...]
    order: np.ndarray
    groups: tuple[GroupResult, ...]


def _group_codes(
    rules: RuleFile, table: EvidenceTable, quota: int | None
) -> tuple[np.ndarray, tuple[str, ...], np.ndarray | None]:
    """Each applicant's group, the group names and places per group (-1: no places; None: no quota at all)."""
    ranking = rules.ranking
    size = len(table)
    if ranking.quotas is not None:
        if quota is not None:
            raise UserError(
                f"规则 {rules.id} 按 {ranking.quotas.by} 分组设名额，不能再给出 --quota",
                f"rules {rules.id} set places per {ranking.quotas.by}; --quota cannot be given as well",
                code="quota",
            )
        by = ranking.quotas.by
        spec = rules.inputs[by]
        names = tuple(spec.levels or {}) if spec.type == "level" else tuple(table.categories[by])
        places = np.array([ranking.quotas.places.get(name, -1) for name in names], dtype=np.int64)
        return table.values[by].astype(np.int64), names, places
    places_total = quota if quota is not None else ranking.quota
    if quota is not None and quota <= 0:
        raise UserError(f"名额 {quota} 须为正整数", f"quota {quota} must be a positive whole number", code="quota")
    if places_total is None:
        if ranking.passing_score is None:
            raise UserError(
                f"规则 {rules.id} 既无标准分值也无名额：请用 --quota 给出名额",
                f"rules {rules.id} have neither a passing score nor a quota; give --quota",
                code="quota",
            )
        return np.zeros(size, dtype=np.int64), ("",), None
    return np.zeros(size, dtype=np.int64), ("",), np.array([places_total], dtype=np.int64)


def rank(rules: RuleFile, table: EvidenceTable, scores: Scores, quota: int | None = None) -> Ranked:
    """Rank and admit; ``quota`` overrides the rule set's overall quota."""
    size = len(table)
    group, group_names, places = _group_codes(rules, table, quota)
    eligible_rows = np.flatnonzero(scores.eligible)
    total = scores.total
    tie_columns = [table.values[tie.input].astype(np.float64) for tie in rules.ranking.tie_breaks]
    sort_ties = [
        -column[eligible_rows] if tie.order == "desc" else column[eligible_rows]
        for tie, column in zip(rules.ranking.tie_breaks, tie_columns, strict=True)
    ]
    # Both sorts are stable, so equals keep the table's (file) order. np.lexsort: the last key is the primary one.
    keys = [*reversed(sort_ties), -total[eligible_rows]]
    if len(group_names) > 1:
        keys.append(group[eligible_rows])
    sort_order = np.argsort(keys[0], kind="stable") if len(keys) == 1 else np.lexsort(keys)
    rows = eligible_rows[sort_order]
    count = len(rows)
    positions = np.arange(count)

    # Runs of equal (group) and of equal (group, score, tie-break values) in sorted order.
    g = group[rows]
    t = total[rows]
    new_group = np.ones(count, dtype=bool)
    new_group[1:] = g[1:] != g[:-1]
    new_class = new_group.copy()
    new_class[1:] |= t[1:] != t[:-1]
    for column in tie_columns:
        key = column[rows]
        new_class[1:] |= key[1:] != key[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, positions, 0)) if count else positions
    in_group = positions - group_start
    class_start = np.maximum.accumulate(np.where(new_class, positions, 0)) if count else positions
    rank_sorted = in_group[class_start] + 1
    class_id = np.cumsum(new_class) - 1
    class_size = np.bincount(class_id)[class_id] if count else positions
    class_last = rank_sorted + class_size - 1

    passing = rules.ranking.passing_score
    passes = t >= cents(passing) if passing is not None else np.ones(count, dtype=bool)
    reason_sorted = np.empty(count, dtype=np.int8)
    if places is None:
        admitted_sorted = passes
        reason_sorted[:] = np.where(passes, Reason.ADMITTED_PASSING, Reason.BELOW_PASSING)
    else:
        limit = places[g]
        within = class_last <= limit
        straddles = (rank_sorted <= limit) & ~within
        if rules.ranking.ties_at_cutoff == "admit_all":
            admitted_sorted = passes & (within | straddles)
            tie_reason = Reason.ADMITTED_TIE
        else:
            admitted_sorted = passes & within
            tie_reason = Reason.TIE_BEYOND_QUOTA
        admitted_sorted &= limit >= 0
        reason_sorted[:] = np.select(
            [~passes, limit < 0, within, straddles],
            [Reason.BELOW_PASSING, Reason.NO_PLACES, Reason.ADMITTED_QUOTA, tie_reason],
            default=Reason.BEYOND_QUOTA,
        )

    ranks = np.zeros(size, dtype=np.int64)
    ranks[rows] = rank_sorted
    admitted = np.zeros(size, dtype=bool)
    admitted[rows] = admitted_sorted
    reason = np.full(size, Reason.NOT_ELIGIBLE, dtype=np.int8)
    reason[rows] = reason_sorted
    order = np.concatenate([rows, np.flatnonzero(~scores.eligible)])
    return Ranked(
        rank=ranks,
        admitted=admitted,
        reason=reason,
        group=group,
        group_names=group_names,
        order=order,
        groups=_group_results(group, group_names, places, scores, admitted),
    )


def _group_results(
    group: np.ndarray, names: tuple[str, ...], places: np.ndarray | None, scores: Scores, admitted: np.ndarray
) -> tuple[GroupResult, ...]:
    count = len(names)
    eligible = np.bincount(group[scores.eligible], minlength=count)
    taken = np.bincount(group[admitted], minlength=count)
    lowest = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(lowest, group[admitted], scores.total[admitted])
    return tuple(
        GroupResult(
            group=name,
            places=None if places is None else int(places[i]),
            eligible=int(eligible[i]),
            admitted=int(taken[i]),
            cutoff=float(lowest[i]) / 100 if taken[i] else None,
        )
        for i, name in enumerate(names)
    )
