"""A publicity round (公示): objections, decisions and re-scoring, with an append-only, hash-chained history.

Scores are published; during the publicity window an applicant may object, naming corrected evidence. An officer
decides; an accepted objection replaces the evidence (marked ``verified``), every score is recomputed (a correction
can move others' ranks too) and the applicant's old and new explanations are both recorded. Nothing is ever
changed in place: :class:`ScoringHistory` only appends, and each record's hash covers the previous record's hash,
so a removed or edited record breaks :meth:`ScoringHistory.verify`.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from renkou.errors import UserError
from renkou.points.applicants import typed_values
from renkou.points.evidence import VERIFIED, EvidenceTable
from renkou.points.explain import explain
from renkou.points.masking import mask_id
from renkou.points.ranking import Ranked, rank
from renkou.points.schema import RuleFile
from renkou.points.scoring import Scores, score

Kind = Literal["published", "objection", "decision", "rescored"]
GENESIS = "0" * 64


@dataclass(frozen=True)
class HistoryRecord:
    """One entry of the history. ``data`` is JSON-ready; ``hash`` covers it and ``previous_hash``."""

    seq: int
    kind: Kind
    applicant_id: str
    on: date
    recorded_at: datetime
    data: Mapping[str, Any]
    previous_hash: str
    hash: str

    def __repr__(self) -> str:
        # Records end up in logs: never show the full ID.
        return f"HistoryRecord(seq={self.seq}, kind={self.kind!r}, applicant={mask_id(self.applicant_id)!r})"


def _digest(
    seq: int, kind: str, applicant_id: str, on: date, recorded_at: datetime, data: Mapping[str, Any], previous: str
) -> str:
    canonical = json.dumps(
        {
            "seq": seq,
            "kind": kind,
            "applicant_id": applicant_id,
            "on": on.isoformat(),
            "recorded_at": recorded_at.isoformat(),
            "data": data,
            "previous": previous,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class ScoringHistory:
    """Append-only list of records, each chained to the previous by SHA-256."""

    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _records: list[HistoryRecord] = field(default_factory=list)

    @classmethod
    def from_records(
        cls, records: tuple[HistoryRecord, ...], clock: Callable[[], datetime] | None = None
    ) -> ScoringHistory:
        """A history continuing stored ``records``; a broken chain is refused (it was edited where it was kept)."""
        history = cls(clock=clock) if clock is not None else cls()
        if not history.verify(records):
            raise UserError(
                "积分历史记录的哈希链已断开（记录被改动或删除）",
                "the scoring history's hash chain is broken (records were altered or removed)",
                code="history",
            )
        history._records = list(records)
        return history

    def append(self, kind: Kind, applicant_id: str, on: date, data: Mapping[str, Any]) -> HistoryRecord:
        """Add a record at the end and return it."""
        previous = self._records[-1].hash if self._records else GENESIS
        seq = len(self._records) + 1
        recorded_at = self.clock()
        record = HistoryRecord(
            seq=seq,
            kind=kind,
            applicant_id=applicant_id,
            on=on,
            recorded_at=recorded_at,
            data=data,
            previous_hash=previous,
            hash=_digest(seq, kind, applicant_id, on, recorded_at, data, previous),
        )
        self._records.append(record)
        return record

    def copy(self) -> ScoringHistory:
        """A history with the same records that grows on its own."""
        return ScoringHistory(clock=self.clock, _records=list(self._records))

    @property
    def records(self) -> tuple[HistoryRecord, ...]:
        """All records, oldest first (a copy: the history cannot be edited through it)."""
        return tuple(self._records)

    def of(self, applicant_id: str) -> tuple[HistoryRecord, ...]:
        """The records about one applicant, oldest first."""
        return tuple(r for r in self._records if r.applicant_id == applicant_id)

    def verify(self, records: tuple[HistoryRecord, ...] | None = None) -> bool:
        """Whether the chain is intact (every hash recomputes and links to the one before)."""
        previous = GENESIS
        for expected_seq, record in enumerate(records if records is not None else self._records, start=1):
            if record.seq != expected_seq or record.previous_hash != previous:
                return False
            digest = _digest(
                record.seq, record.kind, record.applicant_id, record.on, record.recorded_at, record.data, previous
            )
            if digest != record.hash:
                return False
            previous = record.hash
        return True


@dataclass(frozen=True)
class Objection:
    """An applicant's objection: what they say and the evidence they say is right (input name -> value)."""

    number: int
    applicant_id: str
    filed_on: date
    statement: str
    corrections: Mapping[str, str]


class PublicityRound:
    """Scores of one round under publicity from ``opens`` to ``closes`` (inclusive), with objections."""

    def __init__(
        self,
        rules: RuleFile,
        table: EvidenceTable,
        *,
        opens: date,
        closes: date,
        quota: int | None = None,
        history: ScoringHistory | None = None,
        _restoring: bool = False,
    ) -> None:
        if closes < opens:
            raise UserError(
                f"公示截止日 {closes} 早于开始日 {opens}", f"publicity closes {closes} before it opens {opens}"
            )
        self.rules = rules
        self.opens = opens
        self.closes = closes
        self.quota = quota
        self.history = history or ScoringHistory()
        self._table = table
        self._scores = score(rules, table)
        self._objections: dict[int, Objection] = {}
        self._decided: set[int] = set()
        self._ranked: tuple[Scores, Ranked] | None = None  # the ranking of these scores, once computed
        if _restoring:
            return
        self.history.append(
            "published",
            "",
            opens,
            {"rules": rules.id, "revision": rules.revision, "applicants": len(table), "closes": closes.isoformat()},
        )

    @property
    def table(self) -> EvidenceTable:
        """The evidence as it stands (with accepted corrections)."""
        return self._table

    @property
    def scores(self) -> Scores:
        """Current scores."""
        return self._scores

    def ranking(self) -> Ranked:
        """The current ranking (computed once per scoring: a page, a summary and a list all ask for it)."""
        cached = self._ranked
        if cached is not None and cached[0] is self._scores:
            return cached[1]
        ranked = rank(self.rules, self._table, self._scores, self.quota)
        self._ranked = (self._scores, ranked)
        return ranked

    def copy(self) -> PublicityRound:
        """An independent copy: objections, decisions and history are its own; the evidence, scores and ranking
        (never changed in place: a correction makes new ones) are shared until it changes them."""
        twin = copy.copy(self)
        twin._objections = dict(self._objections)
        twin._decided = set(self._decided)
        twin.history = self.history.copy()
        return twin

    def _row(self, applicant_id: str) -> int:
        try:
            return self._table.row_of(applicant_id)
        except KeyError:
            raise UserError(
                f"本轮没有申请人 {mask_id(applicant_id)}",
                f"no applicant {mask_id(applicant_id)} in this round",
                code="objection",
            ) from None

    def _explanation(self, row: int) -> dict[str, Any]:
        return explain(self.rules, self._table, self._scores, row).as_dict()

    def file_objection(
        self, applicant_id: str, filed_on: date, statement: str, corrections: Mapping[str, object]
    ) -> Objection:
        """Record an objection filed within the publicity window; the corrections are checked like file values."""
        row = self._row(applicant_id)
        if not self.opens <= filed_on <= self.closes:
            raise UserError(
                f"异议须在公示期 {self.opens} 至 {self.closes} 内提出（提出日 {filed_on}）",
                f"objections must be filed during publicity {self.opens} to {self.closes} (filed {filed_on})",
                code="objection",
            )
        typed_values(self.rules, corrections, origin="objection")  # reject bad values now, not at decision time
        objection = Objection(
            number=len(self._objections) + 1,
            applicant_id=applicant_id,
            filed_on=filed_on,
            statement=statement,
            corrections={k: str(v) for k, v in corrections.items()},
        )
        self._objections[objection.number] = objection
        self.history.append(
            "objection",
            applicant_id,
            filed_on,
            {
                "number": objection.number,
                "statement": statement,
                "corrections": dict(objection.corrections),
                "score_before": int(self._scores.total[row]) / 100,
                "explanation_before": self._explanation(row),
            },
        )
        return objection

    def decide(self, number: int, *, accepted: bool, decided_on: date, note: str = "") -> HistoryRecord:
        """Accept or reject objection ``number`` (once); accepting re-scores the round. Returns the last record."""
        objection = self._objections.get(number)
        if objection is None:
            raise UserError(f"没有第 {number} 号异议", f"no objection number {number}", code="objection")
        if number in self._decided:
            raise UserError(
                f"第 {number} 号异议已处理", f"objection {number} has already been decided", code="objection"
            )
        if decided_on < objection.filed_on:
            raise UserError(
                f"处理日 {decided_on} 早于异议提出日 {objection.filed_on}",
                f"decision date {decided_on} is before the objection was filed ({objection.filed_on})",
                code="objection",
            )
        self._decided.add(number)
        record = self.history.append(
            "decision", objection.applicant_id, decided_on, {"number": number, "accepted": accepted, "note": note}
        )
        if accepted:
            record = self.correct(
                objection.applicant_id, objection.corrections, on=decided_on, reason=f"objection {number}"
            )
        return record

    def correct(self, applicant_id: str, corrections: Mapping[str, object], *, on: date, reason: str) -> HistoryRecord:
        """Replace evidence of one applicant with verified values and re-score; records before and after."""
        row = self._row(applicant_id)
        typed = typed_values(self.rules, corrections, origin=reason)
        before_total = int(self._scores.total[row]) / 100
        before = self._explanation(row)
        self._table = self._table.with_row_values(row, typed, VERIFIED)
        self._scores = score(self.rules, self._table)
        return self.history.append(
            "rescored",
            applicant_id,
            on,
            {
                "reason": reason,
                "corrections": {k: str(v) for k, v in corrections.items()},
                "score_before": before_total,
                "score_after": int(self._scores.total[row]) / 100,
                "explanation_before": before,
                "explanation_after": self._explanation(row),
            },
        )

    @classmethod
    def restore(
        cls,
        rules: RuleFile,
        table: EvidenceTable,
        history: ScoringHistory,
        *,
        opens: date,
        closes: date,
        quota: int | None = None,
    ) -> PublicityRound:
        """The round as its stored history leaves it: objections filed, decisions taken, accepted corrections applied
        to the evidence as it was published (``table``), in the order they were recorded."""
        round_ = cls(rules, table, opens=opens, closes=closes, quota=quota, history=history, _restoring=True)
        current = table
        for record in history.records:
            data = record.data
            if record.kind == "objection":
                number = int(data["number"])
                round_._objections[number] = Objection(
                    number=number,
                    applicant_id=record.applicant_id,
                    filed_on=record.on,
                    statement=str(data.get("statement", "")),
                    corrections={k: str(v) for k, v in dict(data.get("corrections", {})).items()},
                )
            elif record.kind == "decision":
                round_._decided.add(int(data["number"]))
            elif record.kind == "rescored":
                row = current.row_of(record.applicant_id)
                typed = typed_values(rules, dict(data.get("corrections", {})), origin=str(data.get("reason", "")))
                current = current.with_row_values(row, typed, VERIFIED)
        round_._table = current
        round_._scores = score(rules, current)
        return round_

    @property
    def objections(self) -> tuple[Objection, ...]:
        """Every objection filed, by number."""
        return tuple(self._objections[n] for n in sorted(self._objections))

    def decided(self, number: int) -> bool:
        """Whether objection ``number`` has been decided."""
        return number in self._decided
