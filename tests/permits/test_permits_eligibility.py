"""Who may apply (居住证暂行条例 art. 2): each condition, its reason, and the declared basis."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from permits_helpers import rules

from renkou.permits.eligibility import Basis, PersonSnapshot, check_eligibility

MIGRANT = PersonSnapshot(
    alive=True,
    hukou_in_city=False,
    residence_in_city=True,
    residence_since=date(2019, 1, 5),
    employment="employed",
    housing=None,
    holds_permit=False,
)


def keys_failing(person: PersonSnapshot, on: date, declared: tuple[Basis, ...] = ()) -> list[str]:
    result = check_eligibility(person, on, rules().eligibility, declared)
    return [c.key for c in result.conditions if not c.met]


def test_six_months_after_registration_inclusive() -> None:
    # Registered 2019-01-05: six months are reached on 2019-07-05 ("半年以上" includes the bound).
    assert keys_failing(MIGRANT, date(2019, 7, 4)) == ["residence_months"]
    result = check_eligibility(MIGRANT, date(2019, 7, 5), rules().eligibility)
    assert result.eligible and result.reasons == () and result.bases == (Basis.EMPLOYMENT,)
    reason = check_eligibility(MIGRANT, date(2019, 7, 4), rules().eligibility).reasons[0]
    assert "2019-07-05" in reason.zh and "2019-07-05" in reason.en


def test_each_basis_from_the_register() -> None:
    on = date(2020, 1, 1)
    nothing = replace(MIGRANT, employment="unemployed", housing="other")
    assert keys_failing(nothing, on) == ["basis"]
    assert check_eligibility(replace(nothing, housing="rented"), on, rules().eligibility).bases == (Basis.RESIDENCE,)
    assert check_eligibility(replace(nothing, housing="dormitory"), on, rules().eligibility).eligible
    assert check_eligibility(replace(nothing, employment="student"), on, rules().eligibility).bases == (Basis.STUDY,)


def test_a_basis_proved_at_the_counter_is_marked_declared() -> None:
    on = date(2020, 1, 1)
    nothing = replace(MIGRANT, employment=None, housing=None)
    result = check_eligibility(nothing, on, rules().eligibility, (Basis.RESIDENCE,))
    basis = next(c for c in result.conditions if c.key == "basis")
    assert result.eligible and basis.source == "declared" and "申报" in basis.text.zh and "declared" in basis.text.en


def test_hukou_here_dead_unregistered_or_already_holding() -> None:
    on = date(2020, 1, 1)
    assert keys_failing(replace(MIGRANT, hukou_in_city=True), on) == ["hukou_elsewhere"]
    assert keys_failing(replace(MIGRANT, alive=False), on) == ["alive"]
    assert keys_failing(replace(MIGRANT, residence_in_city=False), on) == ["residence_registered"]
    assert keys_failing(replace(MIGRANT, residence_since=None), on) == ["residence_registered"]
    assert keys_failing(replace(MIGRANT, holds_permit=True), on) == ["no_permit"]
    # Several failures are all reported, in a fixed order.
    worst = replace(MIGRANT, hukou_in_city=True, employment=None, residence_since=date(2019, 12, 1))
    assert keys_failing(worst, on) == ["hukou_elsewhere", "residence_months", "basis"]
