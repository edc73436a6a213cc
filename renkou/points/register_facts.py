"""What the register's state history says about an applicant on a date, as the points rules measure it. Pure.

Input: the person's state rows (spells: the state from ``valid_from`` up to, not including, ``valid_to``) as the
register folds them (:func:`renkou.register.state.state_rows_sql`). A spell changes whenever any attribute changes,
so a stretch of unchanged insurance or housing spans several spells: spells are first merged into stretches of the
one attribute, then counted.

Durations are counted in full calendar months (the corresponding-day rule of :mod:`renkou.permits.periods`;
social insurance is paid by the month) and given in years as months / 12:

- ``insurance_years``: all months with employee pension insurance (城镇职工基本养老保险) up to the date, the
  stretches added up (Shanghai counts the years paid);
- ``insurance_years_continuous``: the months of the stretch of employee insurance that reaches the date (Beijing's
  "continuous" years), 0 when not insured on the date;
- ``housing_owned_years`` / ``housing_rented_years``: within the unbroken run of housing the rules accept (owned,
  rented, public rental, employer dormitory) that reaches the date, the months in owned and in rented or public
  rental housing;
- ``age`` in completed years, ``sex``, ``education`` as the register's codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from renkou.permits.periods import completed_months, completed_years

EMPLOYEE_INSURANCE = "urban_employee"
ACCEPTED_HOUSING = frozenset({"owned", "rented", "public", "dormitory"})
OWNED = frozenset({"owned"})
RENTED = frozenset({"rented", "public"})


@dataclass(frozen=True)
class Spell:
    """One state row of a person: the attributes the points read, valid from ``start`` to before ``end``."""

    start: date
    end: date
    birth_date: date | None = None
    sex: str | None = None
    education: str | None = None
    insurance: str | None = None
    housing: str | None = None


@dataclass(frozen=True)
class Facts:
    """The register's measures of one person on one date (None: the register does not say)."""

    age: int | None
    sex: str | None
    education: str | None
    insurance_years: float
    insurance_years_continuous: float
    housing_owned_years: float
    housing_rented_years: float

    def measure(self, name: str) -> object:
        """A measure by its name (see :data:`renkou.points.schema.REGISTER_MEASURES`)."""
        return getattr(self, name)


def _stretches(spells: Sequence[Spell], on: date, attribute: str) -> list[tuple[date, date, str | None]]:
    """(start, end, value) of the runs of equal ``attribute``, cut at ``on`` (end exclusive, at most ``on``)."""
    runs: list[tuple[date, date, str | None]] = []
    for spell in sorted(spells, key=lambda s: s.start):
        if spell.start >= on:
            break
        end = min(spell.end, on)
        value = getattr(spell, attribute)
        if runs and runs[-1][2] == value and runs[-1][1] == spell.start:
            runs[-1] = (runs[-1][0], end, value)
        else:
            runs.append((spell.start, end, value))
    return runs


def _years(months: int) -> float:
    return months / 12


def facts_on(spells: Sequence[Spell], on: date) -> Facts:
    """The measures on ``on`` (the day itself counts as lived: a stretch still open reaches ``on``)."""
    # A state row covers [start, end); "up to and including on" is [start, on + 1 day) -> cut at the day after.
    after = date.fromordinal(on.toordinal() + 1)
    current = next((s for s in sorted(spells, key=lambda s: s.start, reverse=True) if s.start <= on), None)
    birth = current.birth_date if current else None

    insurance = _stretches(spells, after, "insurance")
    total = sum(completed_months(start, end) for start, end, value in insurance if value == EMPLOYEE_INSURANCE)
    last = insurance[-1] if insurance else None
    continuous = (
        completed_months(last[0], last[1]) if last and last[2] == EMPLOYEE_INSURANCE and last[1] == after else 0
    )

    owned = rented = 0
    housing = _stretches(spells, after, "housing")
    if housing and housing[-1][1] == after:
        # Walk back over the unbroken run of accepted housing that reaches the date.
        expected_end = after
        for start, end, value in reversed(housing):
            if end != expected_end or value not in ACCEPTED_HOUSING:
                break
            if value in OWNED:
                owned += completed_months(start, end)
            elif value in RENTED:
                rented += completed_months(start, end)
            expected_end = start
    return Facts(
        age=completed_years(birth, on) if birth else None,
        sex=current.sex if current else None,
        education=current.education if current else None,
        insurance_years=_years(total),
        insurance_years_continuous=_years(continuous),
        housing_owned_years=_years(owned),
        housing_rented_years=_years(rented),
    )


# The register's education codes (renkou.register.codes.EDUCATION) as the rule files' levels. A register "bachelor"
# (大学本科) does not say whether a degree was awarded, so it fits both bachelor levels of the rules.
EDUCATION_LEVELS: dict[str, tuple[str, ...]] = {
    "none": ("none",),
    "primary": ("none",),
    "junior": ("none",),
    "senior": ("none",),
    "college": ("associate",),
    "bachelor": ("bachelor", "bachelor_degree"),
    "master": ("master",),
    "doctor": ("doctor",),
}
