"""Who may apply for a residence permit (居住证暂行条例 art. 2), with the reason for every condition.

Eligible: alive; hukou in another city (moves inside one's own hukou city do not count); living in this city under a
residence registration for six months or more; not already holding a permit; and at least one of legal stable
employment, legal stable residence or continuous study. Employment, housing and study are read from the register;
the clerk may also record a basis proved by documents at the counter (a labour contract, a lease registered with the
housing office, a school's enrolment certificate) that the register does not hold yet: such a basis is marked
"declared".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from renkou.disclosure.text import Text
from renkou.permits.periods import add_months
from renkou.permits.rules import EligibilityRules


class Basis(StrEnum):
    """The three grounds of art. 2."""

    EMPLOYMENT = "employment"
    RESIDENCE = "residence"
    STUDY = "study"


BASIS_TEXT = {
    Basis.EMPLOYMENT: Text("合法稳定就业", "legal stable employment"),
    Basis.RESIDENCE: Text("合法稳定住所", "legal stable residence"),
    Basis.STUDY: Text("连续就读", "continuous study"),
}


@dataclass(frozen=True)
class PersonSnapshot:
    """What eligibility needs to know about a person on a date (from the register's state)."""

    alive: bool
    hukou_in_city: bool | None
    residence_in_city: bool | None
    residence_since: date | None
    employment: str | None
    housing: str | None
    holds_permit: bool  # a permit that is valid or suspended (a suspended one is restored by endorsing, not re-issued)


@dataclass(frozen=True)
class Condition:
    """One condition of art. 2, whether it is met, and why."""

    key: str
    met: bool
    text: Text
    source: str = "register"  # register | declared


@dataclass(frozen=True)
class Eligibility:
    """The outcome of the check on a date."""

    on: date
    conditions: tuple[Condition, ...]
    bases: tuple[Basis, ...]

    @property
    def eligible(self) -> bool:
        """True when every condition is met."""
        return all(condition.met for condition in self.conditions)

    @property
    def reasons(self) -> tuple[Text, ...]:
        """The unmet conditions' explanations (empty when eligible)."""
        return tuple(condition.text for condition in self.conditions if not condition.met)


def register_bases(person: PersonSnapshot, rules: EligibilityRules) -> tuple[Basis, ...]:
    """The bases of art. 2 that the register's own data shows."""
    found = []
    if person.employment in rules.employment_codes:
        found.append(Basis.EMPLOYMENT)
    if person.housing in rules.housing_codes:
        found.append(Basis.RESIDENCE)
    if person.employment in rules.study_codes:
        found.append(Basis.STUDY)
    return tuple(found)


def check_eligibility(
    person: PersonSnapshot, on: date, rules: EligibilityRules, declared: tuple[Basis, ...] = ()
) -> Eligibility:
    """Check every condition of art. 2 on ``on``; ``declared`` are bases proved by documents at the counter."""
    conditions = [
        Condition("alive", True, Text("在世", "alive"))
        if person.alive
        else Condition("alive", False, Text("登记为已死亡", "registered as deceased")),
        _hukou_elsewhere(person),
        *_residence(person, on, rules),
        Condition("no_permit", True, Text("未持有居住证", "holds no residence permit"))
        if not person.holds_permit
        else Condition(
            "no_permit",
            False,
            Text(
                "已持有居住证（中止的居住证应补办签注而非重新申领）", "already holds a permit (endorse a suspended one)"
            ),
        ),
    ]
    from_register = register_bases(person, rules)
    bases = (*from_register, *(basis for basis in declared if basis not in from_register))
    if bases:
        listed = Text(
            "、".join(BASIS_TEXT[b].zh + ("（申报）" if b not in from_register else "") for b in bases),
            ", ".join(BASIS_TEXT[b].en + (" (declared)" if b not in from_register else "") for b in bases),
        )
        source = "register" if all(b in from_register for b in bases) else "declared"
        conditions.append(Condition("basis", True, Text(f"具备：{listed.zh}", f"has: {listed.en}"), source))
    else:
        conditions.append(
            Condition(
                "basis",
                False,
                Text(
                    "不具备合法稳定就业、合法稳定住所、连续就读中的任何一项",
                    "none of legal stable employment, legal stable residence or continuous study",
                ),
            )
        )
    return Eligibility(on, tuple(conditions), tuple(bases))


def _hukou_elsewhere(person: PersonSnapshot) -> Condition:
    if person.hukou_in_city:
        return Condition(
            "hukou_elsewhere", False, Text("户籍在本市，无需申领居住证", "hukou is in this city; no permit is needed")
        )
    return Condition("hukou_elsewhere", True, Text("户籍在外地", "hukou is in another city"))


def _residence(person: PersonSnapshot, on: date, rules: EligibilityRules) -> list[Condition]:
    if not person.residence_in_city or person.residence_since is None:
        return [
            Condition(
                "residence_registered",
                False,
                Text("在本市没有有效的居住登记", "no current residence registration in this city"),
            )
        ]
    registered = Condition(
        "residence_registered",
        True,
        Text(f"{person.residence_since} 起在本市居住登记", f"residence registered here since {person.residence_since}"),
    )
    months = rules.min_residence_months
    reached = add_months(person.residence_since, months)
    if reached <= on:
        return [
            registered,
            Condition("residence_months", True, Text(f"已居住满{months}个月", f"{months} months lived")),
        ]
    return [
        registered,
        Condition(
            "residence_months",
            False,
            Text(
                f"居住未满{months}个月（{reached} 满）", f"fewer than {months} months of residence (reached {reached})"
            ),
        ),
    ]
