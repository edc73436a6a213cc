"""Tables of a ranked round: the officers' ranking, the public list (公示) and per-indicator points.

Built column-wise with pyarrow from the score and rank arrays; IDs and names are masked in every table. The
ranking's reason column names the failed gates of an ineligible applicant, so it is for officers only; the public
list carries masked fields only (rank, masked ID and name, score, group) of the admitted applicants.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from renkou.errors import UserError
from renkou.points.evidence import EvidenceTable
from renkou.points.masking import mask_ids, mask_names
from renkou.points.ranking import REASON_TEXT, Ranked, Reason
from renkou.points.schema import RuleFile
from renkou.points.scoring import Scores

if TYPE_CHECKING:
    import pyarrow as pa


def _reasons(rules: RuleFile, scores: Scores, ranked: Ranked, rows: np.ndarray) -> pa.Array:
    """One bilingual reason per applicant of ``rows``; ineligible applicants get the list of gates they fail."""
    import pyarrow as pa

    code = ranked.reason[rows].astype(np.int64)
    failed = np.zeros(len(code), dtype=np.int64)
    gate_names = list(rules.gates)
    for bit, name in enumerate(gate_names):
        failed |= (~scores.gates[name][rows]).astype(np.int64) << bit
    # Distinct (reason, failed gates) pairs are few; texts are made once per pair.
    combined = np.where(code == Reason.NOT_ELIGIBLE, (failed + 1) * 16, code)
    distinct, inverse = np.unique(combined, return_inverse=True)
    texts = []
    for value in distinct.tolist():
        if value < 16:
            zh, en = REASON_TEXT[Reason(value)]
        else:
            bits = value // 16 - 1
            gates = [rules.gates[n] for i, n in enumerate(gate_names) if bits >> i & 1]
            zh = "不符合申请条件：" + "；".join(g.zh for g in gates)
            en = "not eligible: " + "; ".join(g.en for g in gates)
        texts.append(f"{zh} / {en}")
    return pa.DictionaryArray.from_arrays(pa.array(inverse.astype(np.int32)), pa.array(texts, pa.string()))


def _score_column(total: np.ndarray) -> pa.Array:
    import pyarrow as pa

    return pa.array(total / 100.0, pa.float64())


def _rank_column(ranks: np.ndarray) -> pa.Array:
    import pyarrow as pa

    return pa.array(ranks, pa.int64(), mask=ranks == 0)


def _few(rows: np.ndarray, size: int) -> bool:
    """Whether ``rows`` is a small part of ``size`` (a page): then gathering those rows before masking is cheaper
    than masking every row, which the vectorised masks are built for."""
    return len(rows) * 8 < size


def ranking_table(rules: RuleFile, table: EvidenceTable, scores: Scores, ranked: Ranked) -> pa.Table:
    """The officers' ranking in output order: rank, masked ID and name, score, admitted, reason, group, line.
    ``ranked.order`` may be a page of the order: only those rows are built."""
    import pyarrow as pa

    order = ranked.order
    if _few(order, len(table)):
        index = pa.array(order)
        ids, names = mask_ids(table.ids.take(index)), mask_names(table.names.take(index))
    else:
        ids, names = mask_ids(table.ids, order), mask_names(table.names, order)
    columns: dict[str, pa.Array] = {
        "rank": _rank_column(ranked.rank[ranked.order]),
        "applicant_id_masked": ids,
        "name_masked": names,
        "score": _score_column(scores.total[ranked.order]),
        "admitted": pa.array(ranked.admitted[ranked.order]),
        "reason": _reasons(rules, scores, ranked, order),
    }
    if rules.ranking.quotas is not None:
        columns["group"] = pa.array(
            np.asarray(ranked.group_names, dtype=object)[ranked.group[ranked.order]], pa.string()
        )
    columns["line"] = pa.array(table.lines[ranked.order])
    return pa.table(columns)


def public_table(
    rules: RuleFile, table: EvidenceTable, scores: Scores, ranked: Ranked, window: slice | None = None
) -> pa.Table:
    """The public list (公示): admitted applicants only, masked fields only, in rank order; ``window`` picks a page
    of it (only that page's fields are built)."""
    import pyarrow as pa

    rows = ranked.order[ranked.admitted[ranked.order]]
    if window is not None:
        rows = rows[window]
    index = pa.array(rows)
    columns: dict[str, pa.Array] = {
        "rank": _rank_column(ranked.rank[rows]),
        "applicant_id_masked": mask_ids(table.ids.take(index)) if _few(rows, len(table)) else mask_ids(table.ids, rows),
        "name_masked": mask_names(table.names.take(index)),
        "score": _score_column(scores.total[rows]),
    }
    if rules.ranking.quotas is not None:
        columns["group"] = pa.array(np.asarray(ranked.group_names, dtype=object)[ranked.group[rows]], pa.string())
    return pa.table(columns)


def points_table(rules: RuleFile, table: EvidenceTable, scores: Scores, ranked: Ranked) -> pa.Table:
    """Points counted per indicator for every applicant (the explanation in columns), in output order."""
    import pyarrow as pa

    order = ranked.order
    columns: dict[str, pa.Array] = {
        "line": pa.array(table.lines[order]),
        "applicant_id_masked": mask_ids(table.ids, order),
        "eligible": pa.array(scores.eligible[order]),
    }
    for name in rules.gates:
        columns[f"gate_{name}"] = pa.array(scores.gates[name][order])
    for name, part in scores.indicators.items():
        columns[name] = _score_column(part.counted[order])
        columns[f"{name}_capped"] = pa.array(part.capped[order])
        columns[f"{name}_excluded"] = pa.array(part.excluded[order])
    columns["floor_applied"] = pa.array(scores.floored[order])
    columns["score"] = _score_column(scores.total[order])
    return pa.table(columns)


def write_csv(data: pa.Table, path: Path) -> None:
    """Write a table as UTF-8 CSV; an unwritable path is a user error naming the file."""
    import pyarrow.csv as csv

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        csv.write_csv(data, str(path), write_options=csv.WriteOptions(quoting_style="needed"))
    except OSError as error:
        raise UserError(f"无法写入文件 {path}：{error}", f"cannot write {path}: {error}", code="output") from None
