"""One applicant's score, line by line: indicator, evidence and its source, points, and what limited them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from renkou.points.evidence import SOURCE_NAMES, EvidenceTable, display_value
from renkou.points.schema import PerUnitIndicator, RuleFile
from renkou.points.scoring import Scores


def _points(value: int) -> float:
    return value / 100


@dataclass(frozen=True)
class Line:
    """One indicator of one applicant. Points are before the cap (``raw``) and as counted (``points``)."""

    indicator: str
    zh: str
    en: str
    input: str
    evidence: str
    source: str
    raw: float
    points: float
    cap: float | None
    cap_applied: bool
    note_zh: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class GateLine:
    """One eligibility gate of one applicant."""

    gate: str
    zh: str
    en: str
    evidence: str
    source: str
    passed: bool


@dataclass(frozen=True)
class Explanation:
    """Why an applicant has the score they have."""

    applicant_row: int
    line_in_file: int
    lines: tuple[Line, ...]
    gates: tuple[GateLine, ...]
    eligible: bool
    gross: float
    total: float
    floor_applied: bool

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "line": self.line_in_file,
            "eligible": self.eligible,
            "gross": self.gross,
            "total": self.total,
            "floor_applied": self.floor_applied,
            "gates": [vars(g) for g in self.gates],
            "lines": [vars(line) for line in self.lines],
        }


def explain(rules: RuleFile, table: EvidenceTable, scores: Scores, row: int) -> Explanation:
    """The explanation of the applicant at position ``row`` (a lookup into ``scores``; nothing is recomputed)."""
    lines = []
    for name, indicator in rules.indicators.items():
        part = scores.indicators[name]
        notes_zh, notes_en = [], []
        if part.capped[row]:
            notes_zh.append(f"封顶 {indicator.cap:g} 分")
            notes_en.append(f"capped at {indicator.cap:g}")
        if part.unmet is not None and part.unmet[row]:
            notes_zh.append("未满足该等级的附加条件")
            notes_en.append("the level's extra condition is not met")
        if part.limited is not None and part.limited[row]:
            budget = next(b for b in rules.year_budgets.values() if name in b.indicators)
            notes_zh.append(f"{budget.zh}：计 {part.units[row]:g} 个单位" if part.units is not None else budget.zh)
            notes_en.append(f"{budget.en}: {part.units[row]:g} units counted" if part.units is not None else budget.en)
        if part.excluded[row]:
            group = next(g for g in rules.exclusive_groups.values() if name in g.indicators)
            notes_zh.append(f"不计入：{group.zh}")
            notes_en.append(f"not counted: {group.en}")
        if isinstance(indicator, PerUnitIndicator) and indicator.whole_units and part.units is not None:
            value = float(table.values[indicator.input][row])
            if value != part.units[row] and not (part.limited is not None and part.limited[row]):
                notes_zh.append(f"按满单位计 {part.units[row]:g}")
                notes_en.append(f"{part.units[row]:g} full units")
        lines.append(
            Line(
                indicator=name,
                zh=indicator.zh,
                en=indicator.en,
                input=indicator.input,
                evidence=display_value(rules, table, indicator.input, row),
                source=SOURCE_NAMES[int(table.sources[indicator.input][row])],
                raw=_points(int(part.raw[row])),
                points=_points(int(part.counted[row])),
                cap=None if indicator.cap is None else float(indicator.cap),
                cap_applied=bool(part.capped[row]),
                note_zh="；".join(notes_zh),
                note_en="; ".join(notes_en),
            )
        )
    gates = tuple(
        GateLine(
            gate=name,
            zh=gate.zh,
            en=gate.en,
            evidence=display_value(rules, table, gate.input, row),
            source=SOURCE_NAMES[int(table.sources[gate.input][row])],
            passed=bool(scores.gates[name][row]),
        )
        for name, gate in rules.gates.items()
    )
    return Explanation(
        applicant_row=row,
        line_in_file=int(table.lines[row]),
        lines=tuple(lines),
        gates=gates,
        eligible=bool(scores.eligible[row]),
        gross=_points(int(scores.gross[row])),
        total=_points(int(scores.total[row])),
        floor_applied=bool(scores.floored[row]),
    )
