"""A points round as the service runs it: created from an applicants file, ranked, published, objected to.

Glue between the stored round (:mod:`renkou.points.store`) and the pure parts (loading rules, scoring, ranking,
:class:`~renkou.points.history.PublicityRound`). Every answer is JSON-ready and shows IDs and names masked only.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from renkou.errors import UserError
from renkou.points.contacts import RowContacts
from renkou.points.csvfile import CsvApplicants
from renkou.points.evidence import EvidenceTable
from renkou.points.history import HistoryRecord, PublicityRound, ScoringHistory
from renkou.points.loader import RuleSet, load_rules
from renkou.points.masking import mask_id
from renkou.points.notices import NoticeRun, RoundFacts, Standings
from renkou.points.output import public_table, ranking_table
from renkou.points.schema import RuleFile
from renkou.points.store import RoundInfo, RoundStore
from renkou.register.store import Register

MAX_APPLICANTS_BYTES = 256 << 20  # a large city's yearly round is a few hundred thousand rows; 256 MiB is ample


def evidence_from_bytes(rules: RuleFile, data: bytes, file_name: str) -> EvidenceTable:
    """Typed evidence from an uploaded applicants file (read through a private temporary file)."""
    with tempfile.TemporaryDirectory(prefix="renkou-points-") as folder:
        shown = Path(file_name).name or "applicants.csv"
        path = Path(folder) / shown
        path.write_bytes(data)
        try:
            return CsvApplicants(path).evidence(rules)
        except UserError as error:
            # Errors name the file as the officer knows it, not the temporary path.
            raise UserError(
                error.zh.replace(str(path), shown), error.en.replace(str(path), shown), code=error.code
            ) from None


@dataclass(frozen=True)
class _Given:
    """A provider of a table already read (so the register provider can wrap it)."""

    table: EvidenceTable

    def evidence(self, rules: RuleFile) -> EvidenceTable:
        return self.table


@dataclass
class OpenRound:
    """A stored round loaded for work."""

    info: RoundInfo
    rule_set: RuleSet
    round: PublicityRound
    row_contacts: RowContacts | None = None  # read from the stored file when first needed

    def copy(self) -> OpenRound:
        """A copy to change (an objection, a decision, publishing) while this one stays as stored: what a change
        starts from instead of reopening the sealed file, which takes seconds for a million applicants."""
        return OpenRound(self.info, self.rule_set, self.round.copy(), self.row_contacts)


def evidence_csv(rules: RuleFile, table: EvidenceTable, extra: Mapping[str, list[str | None]] | None = None) -> bytes:
    """The evidence as an applicants file that reads back to the same table, each value with its source
    (``<input>_source``): how a round whose values came from the register keeps them as they were that day.
    ``extra`` columns (the applicants' contacts) are kept as they were."""
    import io

    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as csv

    from renkou.points.evidence import SOURCE_NAMES

    columns: dict[str, pa.Array] = {"applicant_id": table.ids, "name": table.names}
    for name, spec in rules.inputs.items():
        values = table.values[name]
        if spec.type == "level":
            column = pa.array(np.asarray(list(spec.levels or {}), dtype=object)[values], pa.string())
        elif spec.type == "flag":
            column = pa.array(np.where(values, "true", "false"), pa.string())
        elif spec.type == "text":
            column = pa.array(np.asarray(table.categories[name], dtype=object)[values], pa.string())
        else:
            column = pa.array(values, pa.float64())
        columns[name] = column
        columns[f"{name}_source"] = pa.array(np.asarray(SOURCE_NAMES, dtype=object)[table.sources[name]], pa.string())
    for name, kept in (extra or {}).items():
        columns[name] = pa.array(kept, pa.string())
    buffer = io.BytesIO()
    csv.write_csv(pa.table(columns), buffer, write_options=csv.WriteOptions(quoting_style="needed"))
    return buffer.getvalue()


def check_window(opens: date, closes: date) -> None:
    """The publicity window must be a real interval (the round refuses it too; this says so before storing)."""
    if closes < opens:
        raise UserError(
            f"公示截止日 {closes} 早于开始日 {opens}",
            f"publicity closes {closes} before it opens {opens}",
            code="window",
        )


def create_round(
    store: RoundStore,
    *,
    rules: str,
    data: bytes,
    file_name: str,
    quota: int | None,
    opens: date,
    closes: date,
    title: str,
    user: str | None,
    now: datetime,
    clock: Callable[[], datetime],
    register: Register | None = None,
    evidence_on: date | None = None,
) -> OpenRound:
    """Check the file against the rules, store the round and its first history record (published).

    With ``register`` and ``evidence_on``, the register's values on that date replace the declared ones
    (:class:`~renkou.points.register_evidence.RegisterEvidence`) and the round keeps the evidence so made, each
    value with its source, so that reopening it later gives the same scores whatever the register learns since.
    """
    if len(data) > MAX_APPLICANTS_BYTES:
        raise UserError(
            f"申请人文件超过 {MAX_APPLICANTS_BYTES >> 20} MiB，请用命令行 renkou points rank",
            f"the applicants file is over {MAX_APPLICANTS_BYTES >> 20} MiB; use renkou points rank",
            code="too_large",
        )
    check_window(opens, closes)
    rule_set = load_rules(rules)
    table = evidence_from_bytes(rule_set.rules, data, file_name)
    if register is not None and evidence_on is not None:
        from renkou.points.contacts import contact_columns
        from renkou.points.register_evidence import RegisterEvidence

        table = RegisterEvidence(register, evidence_on, _Given(table)).evidence(rule_set.rules)
        data = evidence_csv(rule_set.rules, table, contact_columns(data))
        table = evidence_from_bytes(rule_set.rules, data, file_name)  # exactly what a reopening will read
    publicity = PublicityRound(
        rule_set.rules, table, opens=opens, closes=closes, quota=quota, history=ScoringHistory(clock=clock)
    )
    publicity.ranking()  # a quota problem (none given, none in the rules) is found before anything is stored
    round_id = store.create(
        title=title,
        rules=rules,
        rules_id=rule_set.rules.id,
        rules_sha256=rule_set.sha256,
        quota=quota,
        opens=opens,
        closes=closes,
        file_name=file_name,
        applicants=data,
        applicant_count=len(table),
        created_by=user,
        now=now,
        evidence_on=evidence_on if register is not None else None,
    )
    store.append(round_id, publicity.history.records)
    return OpenRound(store.info(round_id), rule_set, publicity)


def open_round(store: RoundStore, round_id: int, clock: Callable[[], datetime]) -> OpenRound:
    """A stored round with its objections and corrections replayed; a changed rule file is refused."""
    info = store.info(round_id)
    rule_set = load_rules(info.rules)
    if rule_set.sha256 != info.rules_sha256:
        raise UserError(
            f"第 {round_id} 轮所用规则 {info.rules} 已被修改（校验值不符），不能继续处理",
            f"round {round_id}: its rules {info.rules} have changed since (checksum differs); it cannot go on",
            code="rules_changed",
        )
    table = evidence_from_bytes(rule_set.rules, store.applicants(round_id), info.file_name)
    history = ScoringHistory.from_records(store.records(round_id), clock)
    publicity = PublicityRound.restore(
        rule_set.rules, table, history, opens=info.opens, closes=info.closes, quota=info.quota
    )
    return OpenRound(info, rule_set, publicity)


def standings(opened: OpenRound) -> Standings:
    """Every applicant's score, rank, eligibility and admission as the round stands."""
    publicity = opened.round
    ranked = publicity.ranking()
    scores = publicity.scores
    return Standings(scores.total, ranked.rank, scores.eligible, ranked.admitted)


def facts(opened: OpenRound) -> RoundFacts:
    """What a notification says about the round."""
    info = opened.info
    return RoundFacts(info.round_id, info.applicants_sha256, info.title, info.opens, info.closes)


def contacts(store: RoundStore, opened: OpenRound) -> RowContacts:
    """The applicants' usable contacts by row, from the round's stored file (read once per opened round: the
    corrections of objections never touch them)."""
    from renkou.points.contacts import row_contacts

    if opened.row_contacts is None:
        opened.row_contacts = row_contacts(store.applicants(opened.info.round_id), len(opened.round.table))
    return opened.row_contacts


def queue(outbox: Path, run: NoticeRun, now: datetime) -> dict[str, Any]:
    """Put ``run``'s notifications into the outbox (each dedupe key once); the counts for the answer."""
    from renkou.notify.outbox import Outbox

    with Outbox.open(outbox) as box:
        results = box.enqueue_many(run.notifications, now=now)
    created = sum(1 for result in results if result.created)
    return {
        "applicants": run.applicants,
        "without_contact": run.without_contact,
        "queued": created,
        "already_queued": len(results) - created,
    }


def _rows(data: Any, offset: int, limit: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = data.slice(offset, limit).to_pylist()
    return rows


def histogram(totals: Any, eligible: Any, admitted: Any, width: int = 10) -> dict[str, Any]:
    """Eligible applicants by score band of ``width`` points (totals in hundredths), split admitted / not."""
    import numpy as np

    scores = totals[eligible] // (width * 100)
    if not len(scores):
        return {"width": width, "from": [], "admitted": [], "not_admitted": []}
    low, high = int(scores.min()), int(scores.max())
    taken = np.bincount(scores[admitted[eligible]] - low, minlength=high - low + 1)
    everyone = np.bincount(scores - low, minlength=high - low + 1)
    return {
        "width": width,
        "from": [band * width for band in range(low, high + 1)],
        "admitted": taken.tolist(),
        "not_admitted": (everyone - taken).tolist(),
    }


def summary(opened: OpenRound) -> dict[str, Any]:
    """Counts and per-group outcomes of the round as it stands, and its score distribution."""
    publicity = opened.round
    ranked = publicity.ranking()
    return {
        **opened.info.as_dict(),
        "rules_title": {"zh": opened.rule_set.rules.zh, "en": opened.rule_set.rules.en},
        "eligible": int(publicity.scores.eligible.sum()),
        "admitted": int(ranked.admitted.sum()),
        "groups": [vars(group) for group in ranked.groups],
        "objections": len(publicity.objections),
        "history_intact": publicity.history.verify(),
        "histogram": histogram(publicity.scores.total, publicity.scores.eligible, ranked.admitted),
    }


def ranking_page(opened: OpenRound, offset: int, limit: int) -> dict[str, Any]:
    """One page of the officers' ranking (masked IDs and names); only the page's rows are built."""
    from dataclasses import replace

    publicity = opened.round
    ranked = publicity.ranking()
    page = replace(ranked, order=ranked.order[offset : offset + limit])
    table = ranking_table(opened.rule_set.rules, publicity.table, publicity.scores, page)
    return {"total": len(ranked.order), "offset": offset, "rows": _rows(table, 0, limit)}


def public_list(opened: OpenRound, offset: int, limit: int) -> dict[str, Any]:
    """One page of the public list (公示): admitted applicants, masked fields only (only the page's rows built)."""
    publicity = opened.round
    ranked = publicity.ranking()
    window = slice(offset, offset + limit)
    table = public_table(opened.rule_set.rules, publicity.table, publicity.scores, ranked, window)
    info = opened.info
    return {
        "round_id": info.round_id,
        "title": info.title,
        "rules_title": {"zh": opened.rule_set.rules.zh, "en": opened.rule_set.rules.en},
        "opens": info.opens.isoformat(),
        "closes": info.closes.isoformat(),
        "published_at": info.published_at.isoformat() if info.published_at else None,
        "total": int(ranked.admitted.sum()),
        "offset": offset,
        "rows": _rows(table, 0, limit),
    }


@dataclass(frozen=True)
class PublicSnapshot:
    """A round's whole public list, built once: what the public pages serve (admitted applicants only, so small
    beside the round) without keeping or reopening the round itself."""

    head: dict[str, Any]
    table: Any  # pyarrow Table of the masked fields


def public_snapshot(opened: OpenRound) -> PublicSnapshot:
    """The round's public list as it stands, whole."""
    whole = public_list(opened, 0, 0)
    publicity = opened.round
    table = public_table(opened.rule_set.rules, publicity.table, publicity.scores, publicity.ranking())
    head = {key: value for key, value in whole.items() if key not in ("total", "offset", "rows")}
    return PublicSnapshot(head, table)


def snapshot_page(snapshot: PublicSnapshot, offset: int, limit: int) -> dict[str, Any]:
    """One page of a public list snapshot, in the form of :func:`public_list`."""
    total = snapshot.table.num_rows
    return {**snapshot.head, "total": total, "offset": offset, "rows": _rows(snapshot.table, offset, limit)}


def record_view(record: HistoryRecord) -> dict[str, Any]:
    """A history record for display: the applicant masked, the data as recorded (they hold no ID)."""
    return {
        "seq": record.seq,
        "kind": record.kind,
        "applicant_id_masked": mask_id(record.applicant_id) if record.applicant_id else "",
        "on": record.on.isoformat(),
        "recorded_at": record.recorded_at.isoformat(),
        "data": dict(record.data),
        "hash": record.hash,
        "previous_hash": record.previous_hash,
    }


def objection_view(opened: OpenRound) -> list[dict[str, Any]]:
    """Every objection of the round, masked, with whether it was decided."""
    return [
        {
            "number": objection.number,
            "applicant_id_masked": mask_id(objection.applicant_id),
            "filed_on": objection.filed_on.isoformat(),
            "statement": objection.statement,
            "corrections": dict(objection.corrections),
            "decided": opened.round.decided(objection.number),
        }
        for objection in opened.round.objections
    ]


def corrections_text(values: Mapping[str, object]) -> dict[str, str]:
    """Corrections as text, as an objection stores them."""
    return {str(key): str(value) for key, value in values.items()}
