"""Evidence from the register: an applicant's insurance, housing, age, education and permit read from a small
register built through ingest, checked against the numbers worked by hand in points_city.Expected, and scored."""

from __future__ import annotations

from datetime import date

import pytest
from points_city import CHEN, LI, NOT_IN_REGISTER, Expected, build_register

from renkou.points.applicants import RecordApplicants
from renkou.points.evidence import REGISTER, SELF_DECLARED
from renkou.points.explain import explain
from renkou.points.loader import load_rules
from renkou.points.register_evidence import RegisterEvidence
from renkou.points.register_facts import Spell, facts_on
from renkou.points.scoring import score
from renkou.register.store import Register

E = Expected()


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Register:
    path = build_register(tmp_path_factory.mktemp("points-register"))
    return Register.open(path, read_only=True)


def _applicants(rows: list[dict[str, object]]) -> RecordApplicants:
    return RecordApplicants(rows, origin="test")


LI_DECLARED = {
    "applicant_id": LI,
    "has_permit": "false",  # wrong: the register knows better
    "age": 30,  # wrong
    "sex": "F",  # wrong
    "education": "bachelor_degree",  # the register's 大学本科 cannot confirm or deny the degree
    "insurance_years": 9,  # wrong
    "housing_owned_years": 0,
    "housing_rented_years": 5,
}


def test_shanghai_values_come_from_the_register_and_score_as_worked_by_hand(register: Register) -> None:
    rules = load_rules("shanghai-2015").rules
    rows = [{k: v for k, v in LI_DECLARED.items() if k in rules.inputs or k == "applicant_id"}]
    table = RegisterEvidence(register, E.on, _applicants(rows)).evidence(rules)
    assert table.values["age"][0] == E.age
    assert table.values["insurance_years"][0] == pytest.approx(E.insurance_years)
    assert bool(table.values["has_permit"][0]) is True
    for name in ("age", "insurance_years", "has_permit"):
        assert table.sources[name][0] == REGISTER, name
    assert table.sources["education"][0] == SELF_DECLARED  # the claimed degree stands, unverified
    assert table.sources["criminal_records"][0] == SELF_DECLARED  # the register holds no such records
    result = explain(rules, table, score(rules, table), 0)
    points = {line.indicator: line.points for line in result.lines}
    # age 35: 7 + 2 x (55 - 35) = 47, capped at 30; 本科+学士 90 beats no skill; 5 full years x 3 = 15.
    assert (points["age"], points["education"], points["social_insurance"]) == (30, 90, 15)
    assert result.total == 135 and result.eligible
    assert {line.indicator: line.source for line in result.lines}["social_insurance"] == "register"


def test_beijing_takes_the_continuous_years_and_the_gate_fails_on_them(register: Register) -> None:
    rules = load_rules("beijing-2016").rules
    table = RegisterEvidence(register, E.on, _applicants([LI_DECLARED])).evidence(rules)
    assert table.values["insurance_years"][0] == pytest.approx(E.insurance_years_continuous)
    assert table.values["housing_owned_years"][0] == pytest.approx(E.housing_owned_years)
    assert table.values["housing_rented_years"][0] == pytest.approx(E.housing_rented_years)
    assert list(rules.inputs["sex"].levels or {})[int(table.values["sex"][0])] == "M"
    scores = score(rules, table)
    result = explain(rules, table, scores, 0)
    gates = {gate.gate: gate.passed for gate in result.gates}
    assert gates == {"permit": True, "below_retirement_age": True, "insurance_7_years": False,
                     "no_criminal_record": True}  # fmt: skip
    # Full years only (每满 1 年): insurance 3 x 3 = 9; housing within 3 insurance years: owned 23 months -> 1
    # year x 1 = 1, rented 3.5 -> 3 years wanted but only 2 left in the budget x 0.5 = 1; 本科+学士 15;
    # age 35 <= 45: 20.  9 + 1 + 1 + 15 + 20 = 46
    points = {line.indicator: line.points for line in result.lines}
    assert (points["employment"], points["housing_owned"], points["housing_rented"]) == (9, 1, 1)
    assert result.total == 46
    assert not result.eligible


def test_applicants_the_register_does_not_know_keep_their_declared_values(register: Register) -> None:
    rules = load_rules("shanghai-2015").rules
    rows = [
        {"applicant_id": NOT_IN_REGISTER, "has_permit": "true", "age": 40, "insurance_years": 4},
        {"applicant_id": CHEN, "has_permit": "true", "age": 40, "insurance_years": 4},
    ]
    table = RegisterEvidence(register, E.on, _applicants(rows)).evidence(rules)
    assert table.values["age"][0] == 40 and table.sources["age"][0] == SELF_DECLARED
    assert any("1 名申请人不在登记库中" in zh for zh, _ in table.warnings)
    # 陈晓 is in the register (born 20 August 1999: 21), without insurance or permit on record.
    assert table.values["age"][1] == 21 and table.sources["age"][1] == REGISTER
    assert table.values["insurance_years"][1] == 0 and bool(table.values["has_permit"][1]) is False


def test_the_evidence_date_moves_the_measures(register: Register) -> None:
    rules = load_rules("shanghai-2015").rules
    rows = [{"applicant_id": LI, "has_permit": "true", "age": 30, "insurance_years": 1}]
    # On 9 January 2018 the first stretch (from 1 March 2015) is 34 full months and still current.
    table = RegisterEvidence(register, date(2018, 1, 9), _applicants(rows)).evidence(rules)
    assert table.values["insurance_years"][0] == pytest.approx(34 / 12)
    assert table.values["age"][0] == 31


def test_stretches_join_across_spells_and_a_gap_ends_the_continuous_count() -> None:
    d = date
    spells = [
        Spell(d(2020, 1, 31), d(2020, 3, 5), insurance="urban_employee", housing="rented"),
        Spell(d(2020, 3, 5), d(2020, 7, 1), insurance="urban_employee", housing="owned"),  # housing changed only
        Spell(d(2020, 7, 1), d(2020, 8, 1), insurance="resident", housing="other"),
        Spell(d(2020, 8, 1), d(9999, 12, 31), insurance="urban_employee", housing="owned"),
    ]
    facts = facts_on(spells, d(2021, 2, 28))
    # 31 Jan -> 1 Jul: 5 full months (the 5th corresponding day is 30 June, the month's end; the 6th, 31 July);
    # 1 Aug 2020 -> 28 Feb 2021 inclusive (cut 1 Mar): 7 full months.
    assert facts.insurance_years == pytest.approx((5 + 7) / 12)
    assert facts.insurance_years_continuous == pytest.approx(7 / 12)
    # "other" housing breaks the run: only the owned months since 1 August count.
    assert (facts.housing_owned_years, facts.housing_rented_years) == (pytest.approx(7 / 12), 0)
