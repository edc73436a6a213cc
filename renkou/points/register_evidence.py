"""Evidence from the population register: an :class:`~renkou.points.evidence.EvidenceProvider` that takes the
applicants of another provider (an applicants file, a form) and replaces what the register knows.

For every input a rule file marks ``from_register`` whose measure the register holds
(:data:`renkou.points.schema.REGISTER_MEASURES`; age, sex, permit held, education, years of employee insurance,
years in owned and rented housing), the value of every applicant found in the register is the register's on the
evidence date, marked ``register``. Applicants the register does not know, and inputs it cannot measure (criminal
records, detentions ...), keep the application's value and mark. One exception: the register's 大学本科 does not
say whether a degree was awarded, so an application claiming 本科+学士 against a register 大学本科 keeps the claim,
still self-declared (an officer verifies the diploma).

Reads use public functions of the register only (:func:`renkou.register.state.state_rows_sql`, the key of an ID
number as :func:`renkou.register.transform.keyed` defines it) and the permits' fold for the permit status.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

import numpy as np
import pyarrow as pa

from renkou.ids import InvalidCitizenID, parse_id
from renkou.permits.deadlines import Calendar
from renkou.permits.rules import PermitRules
from renkou.points.evidence import REGISTER, EvidenceProvider, EvidenceTable
from renkou.points.register_facts import EDUCATION_LEVELS, Facts, Spell, facts_on
from renkou.points.schema import REGISTER_MEASURES, RuleFile
from renkou.register.state import state_rows_sql
from renkou.register.store import Register
from renkou.register.transform import keyed


def measure_of(name: str, rules: RuleFile) -> str | None:
    """The register measure an input takes, or None when it takes none."""
    spec = rules.inputs[name]
    if not spec.from_register:
        return None
    measure = spec.register_measure or name
    return measure if measure in REGISTER_MEASURES else None


class RegisterEvidence:
    """The evidence of ``base`` with the register's values on ``on`` wherever the register has them."""

    def __init__(
        self,
        register: Register,
        on: date,
        base: EvidenceProvider,
        permit_rules: PermitRules | None = None,
        calendar: Calendar | None = None,
    ) -> None:
        self.register = register
        self.on = on
        self.base = base
        self.permit_rules = permit_rules
        self.calendar = calendar

    def evidence(self, rules: RuleFile) -> EvidenceTable:
        """The base evidence, with register values (marked ``register``) for the applicants the register knows."""
        table = self.base.evidence(rules)
        measured = {name: m for name in rules.inputs if (m := measure_of(name, rules)) is not None}
        if not measured or not len(table):
            return table
        numbers = _numbers(table.ids.to_pylist())
        facts = self._facts(sorted(set(numbers.values())))
        holding = self._permits(sorted(set(numbers.values()))) if "has_permit" in measured.values() else {}
        values = {name: array.copy() for name, array in table.values.items()}
        sources = {name: array.copy() for name, array in table.sources.items()}
        found = 0
        for row, number in numbers.items():
            person = facts.get(number)
            if person is None:
                continue
            found += 1
            for name, measure in measured.items():
                value = holding.get(number, False) if measure == "has_permit" else person.measure(measure)
                typed = _typed(rules, name, measure, value, values[name][row])
                if typed is not None:
                    values[name][row] = typed
                    sources[name][row] = REGISTER
        missing = len(table) - found
        warnings = list(table.warnings)
        if missing:
            warnings.append(
                (
                    f"{missing} 名申请人不在登记库中，其信息按申报计",
                    f"{missing} applicants are not in the register: their values are as declared",
                )
            )
        return replace(table, values=values, sources=sources, warnings=tuple(warnings))

    def _facts(self, numbers: list[str]) -> dict[str, Facts]:
        """Each known person's facts on the evidence date."""
        if not numbers:
            return {}
        engine = self.register.engine
        secret = "'" + self.register.keys.pseudonym_prefix_hex() + "'"
        engine.register_arrow("rk_points_numbers", pa.table({"rk_n": pa.array(numbers, pa.string())}))
        rows = engine.rows(
            f"WITH wanted AS (SELECT rk_n, {keyed(secret, 'rk_n')} AS subject_id FROM rk_points_numbers) "
            f"SELECT w.rk_n, s.valid_from, s.valid_to, s.birth_date, s.sex, s.education, s.insurance, s.housing "
            f"FROM {state_rows_sql()} s JOIN wanted w ON w.subject_id = s.subject_id "
            f"WHERE s.valid_from <= ? ORDER BY w.rk_n, s.valid_from",
            [self.on],
        )
        spells: dict[str, list[Spell]] = {}
        for number, start, end, birth, sex, education, insurance, housing in rows:
            spells.setdefault(str(number), []).append(Spell(start, end, birth, sex, education, insurance, housing))
        return {number: facts_on(found, self.on) for number, found in spells.items()}

    def _permits(self, numbers: list[str]) -> dict[str, bool]:
        """Whether each person holds a valid permit on the evidence date (the permits' own fold)."""
        from renkou.permits import lists, records
        from renkou.permits.fold_arrays import STATUS_CODES
        from renkou.permits.lifecycle import Status

        if self.permit_rules is None or self.calendar is None:
            from renkou.disclosure.notices import load_calendar
            from renkou.permits.rules import load_rules

            self.permit_rules = self.permit_rules or load_rules()
            self.calendar = self.calendar or load_calendar()
        keys = records.subject_keys(self.register, numbers)
        holdings = lists.collect(self.register, self.on, self.permit_rules, self.calendar)
        valid = holdings.folded.status == STATUS_CODES[Status.VALID]
        holders = dict(zip(holdings.subjects.to_pylist(), valid.tolist(), strict=True))
        return {number: bool(holders.get(key, False)) for number, key in keys.items()}


def _numbers(ids: list[str | None]) -> dict[int, str]:
    """Row -> normalised ID number, for the rows whose ID is a valid citizen ID number."""
    found = {}
    for row, text in enumerate(ids):
        try:
            found[row] = parse_id(str(text or "")).number
        except InvalidCitizenID:
            continue
    return found


def _typed(rules: RuleFile, name: str, measure: str, value: object, declared: object) -> object | None:
    """The register's value typed like the input's column, or None to keep the declared value."""
    spec = rules.inputs[name]
    if value is None:
        return None
    if spec.type == "flag":
        return bool(value)
    if spec.type in ("integer", "number"):
        return float(value)  # type: ignore[arg-type]
    levels = list(spec.levels or {})
    if measure == "education":
        fitting = [level for level in EDUCATION_LEVELS.get(str(value), ()) if level in levels]
        if not fitting:
            return None
        if levels[int(declared)] in fitting:  # type: ignore[call-overload]
            # The register cannot tell these apart: the claim stands (and stays as it was marked).
            return None if len(fitting) > 1 else levels.index(fitting[0])
        return levels.index(fitting[0])
    return levels.index(str(value)) if str(value) in levels else None


def register_sources(table: EvidenceTable) -> Mapping[str, int]:
    """How many values of each input came from the register (for summaries)."""
    return {name: int(np.count_nonzero(marks == REGISTER)) for name, marks in table.sources.items()}
