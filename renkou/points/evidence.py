"""Applicants' evidence as typed columns, and where each value came from.

An :class:`EvidenceTable` holds one array per input of a rule set (numbers as float64, flags as bool, levels as
int16 codes in the order the rule file lists them, free text as int32 codes into ``categories``), the source of
every value (``self_declared`` / ``register`` / ``verified``), and each applicant's ID, name and line in the file
it came from. It is what scoring reads; an :class:`EvidenceProvider` builds it. Today applicant CSV files do
(:mod:`renkou.points.applicants`); a register-backed provider will later fill the inputs the register knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa

    from renkou.points.schema import RuleFile

SELF_DECLARED = 0
REGISTER = 1
VERIFIED = 2
SOURCE_NAMES = ("self_declared", "register", "verified")
SOURCE_LABELS_ZH = ("自报", "登记", "已核验")


@dataclass(frozen=True)
class EvidenceTable:
    """Typed evidence of many applicants for one rule set (see module docstring for the array types)."""

    ids: pa.Array
    names: pa.Array
    lines: np.ndarray
    values: Mapping[str, np.ndarray]
    sources: Mapping[str, np.ndarray]
    categories: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    origin: str = "<applicants>"
    warnings: tuple[tuple[str, str], ...] = ()

    def __len__(self) -> int:
        return len(self.lines)

    def take(self, rows: np.ndarray) -> EvidenceTable:
        """The applicants at ``rows`` (positions), in that order."""
        import pyarrow as pa

        indices = pa.array(np.asarray(rows, dtype=np.int64))
        return replace(
            self,
            ids=self.ids.take(indices),
            names=self.names.take(indices),
            lines=self.lines[rows],
            values={k: v[rows] for k, v in self.values.items()},
            sources={k: v[rows] for k, v in self.sources.items()},
        )

    def row_of(self, applicant_id: str) -> int:
        """The position of an applicant by ID; ``KeyError`` when absent."""
        import pyarrow.compute as pc

        position = pc.index(self.ids, applicant_id).as_py()
        if position < 0:
            raise KeyError(applicant_id)
        return int(position)

    def with_row_values(self, row: int, updates: Mapping[str, object], source: int) -> EvidenceTable:
        """A copy with some inputs of one applicant replaced (already typed like the arrays) and marked ``source``."""
        values = dict(self.values)
        sources = dict(self.sources)
        for name, value in updates.items():
            array = values[name].copy()
            array[row] = value
            values[name] = array
            marks = sources[name].copy()
            marks[row] = source
            sources[name] = marks
        return replace(self, values=values, sources=sources)


class EvidenceProvider(Protocol):
    """Anything that can give the evidence a rule set needs: an applicant file now, the register later."""

    def evidence(self, rules: RuleFile) -> EvidenceTable:
        """Typed evidence for every input of ``rules``; raises :class:`renkou.errors.UserError` on bad data."""
        ...


def display_value(rules: RuleFile, table: EvidenceTable, name: str, row: int) -> str:
    """How an input value of one applicant is shown in an explanation (levels by their Chinese label)."""
    spec = rules.inputs[name]
    value = table.values[name][row]
    if spec.type == "level":
        code = list(spec.levels or {})[int(value)]
        return f"{(spec.levels or {})[code].zh}"
    if spec.type == "flag":
        return "是 / yes" if bool(value) else "否 / no"
    if spec.type == "text":
        return table.categories[name][int(value)]
    number = float(value)
    return f"{number:g}"
