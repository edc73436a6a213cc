"""Beijing 2016 points-based settlement, worked by hand.

Rules as encoded (renkou/points/rules/beijing-2016.yaml):
  gates: holds a permit; age below the statutory retirement age (default men 60, women 50; a woman cadre gives
         55 in retirement_age); at least 7 years of continuous insurance; no criminal record
  insurance 3 per full year; owned home 1 per full year, rented 0.5 per full year, housing years together at most
  the (full) insurance years, owned first; education 大专 10.5, 本科+学士 15, 硕士 26, 博士 37 (本科 without a
  degree: not scored); age 45 or under 20; honours 20; tax criterion 6; tax violation -12 each; detention -30 each;
  no floor; the quota sets the cut-off and everyone tied at the cut-off is admitted.
"""

from __future__ import annotations

import pytest
from points_helpers import Round, run_round

from renkou.points.explain import Explanation, Line
from renkou.points.ranking import Reason

BASE = {"has_permit": "是", "criminal_record": "否"}

APPLICANTS = [
    # B1: M 45 -> age 20 (45 or under); insurance 10 -> 30; owned 10 (limit 10) -> 10; 硕士 26. 20+30+10+26 = 86
    {"sex": "男", "age": 45, "insurance_years": 10, "housing_owned_years": 10, "education": "硕士"},
    # B2: F 46 -> age 0; insurance 15 -> 45; 博士 37. 0+45+37 = 82 (46 < 50: eligible)
    {"sex": "女", "age": 46, "insurance_years": 15, "education": "博士"},
    # B3: F 50 -> reached the default retirement age 50: NOT eligible. Points: insurance 30 + 大专 10.5 = 40.5
    {"sex": "F", "age": 50, "insurance_years": 10, "education": "大专"},
    # B4: M 59 -> eligible (59 < 60), age 0; insurance 20 -> 60; rented 25 limited to 20 years -> 10; 大专 10.5.
    #     60+10+10.5 = 80.5
    {"sex": "M", "age": 59, "insurance_years": 20, "housing_rented_years": 25, "education": "大专"},
    # B5: insurance 6.99 < 7: NOT eligible. Points: age 20 + 6 full years * 3 = 18 -> 38
    {"sex": "M", "age": 30, "insurance_years": 6.99},
    # B6: insurance exactly 7 -> eligible; age 20; 7*3 = 21; 本科+学士 15; honours 20; tax 6. 20+21+15+20+6 = 82
    {"sex": "M", "age": 30, "insurance_years": 7, "education": "学士", "honours": "是", "tax_criterion": 1},
    # B7: criminal record: NOT eligible. Points: age 20 + insurance 30 = 50
    {"sex": "M", "age": 35, "insurance_years": 10, "criminal_record": "是"},
    # B8: age 20; insurance 12 -> 36; owned 5 -> 5; rented 10 but only 12-5 = 7 years left -> 3.5; 本科 (no degree) 0;
    #     tax violations 2 -> -24; detention 1 -> -30. 20+36+5+3.5-24-30 = 10.5
    {
        "sex": "M",
        "age": 40,
        "insurance_years": 12,
        "housing_owned_years": 5,
        "housing_rented_years": 10,
        "education": "本科",
        "tax_violations": 2,
        "detentions": 1,
    },
    # B9: no permit: NOT eligible. Points: age 20 + insurance 8*3 = 24 -> 44
    {"sex": "M", "age": 30, "insurance_years": 8, "has_permit": "否"},
    # B10: F 52, a cadre (retirement 55): eligible. Age 0; insurance 9 -> 27; 硕士 26; owned 3.5 -> 3 full -> 3.
    #      27+26+3 = 56
    {
        "sex": "F",
        "age": 52,
        "retirement_age": 55,
        "insurance_years": 9,
        "education": "硕士",
        "housing_owned_years": 3.5,
    },
    # B11: age 20; insurance 12 -> 36; 硕士 26; owned 4 -> 4. 20+36+26+4 = 86 (ties with B1)
    {"sex": "M", "age": 30, "insurance_years": 12, "education": "硕士", "housing_owned_years": 4},
    # B12: age 20; insurance 8 -> 24; detentions 3 -> -90. 20+24-90 = -46 (Beijing has no floor)
    {"sex": "M", "age": 44, "insurance_years": 8, "detentions": 3},
    # B13: age 20; insurance 7.5 -> 7 full -> 21; rented 7.5 -> 7 full (limit 7) -> 3.5; 本科+学士 15. 20+21+3.5+15 = 59.5
    {"sex": "M", "age": 25, "insurance_years": 7.5, "housing_rented_years": 7.5, "education": "本科+学士"},
    # B14: M 60 reached retirement age: NOT eligible although insurance 30 -> 90 is the highest score
    {"sex": "M", "age": 60, "insurance_years": 30},
]
EXPECTED_TOTALS = [86, 82, 40.5, 80.5, 38, 82, 50, 10.5, 44, 56, 86, -46, 59.5, 90]
EXPECTED_ELIGIBLE = [True, True, False, True, False, True, False, True, False, True, True, True, True, False]
# Eligible by score: 86 (B1, B11) rank 1; 82 (B2, B6) rank 3; 80.5 rank 5; 59.5 rank 6; 56 rank 7; 10.5 rank 8; -46 rank 9
EXPECTED_RANKS = [1, 3, 0, 5, 0, 3, 0, 8, 0, 7, 1, 9, 6, 0]


def _round(quota: int | None = None) -> Round:
    return run_round("beijing-2016", [{**BASE, **a} for a in APPLICANTS], quota)


def test_totals_gates_and_ranks_match_hand_arithmetic() -> None:
    result = _round()
    assert [result.total(i) for i in range(len(APPLICANTS))] == EXPECTED_TOTALS
    assert result.scores.eligible.tolist() == EXPECTED_ELIGIBLE
    assert result.ranked.rank.tolist() == EXPECTED_RANKS


def test_default_quota_admits_every_eligible_applicant() -> None:
    result = _round()  # the rule set's quota of 6000
    assert result.ranked.admitted.tolist() == EXPECTED_ELIGIBLE
    assert result.ranked.groups[0].places == 6000
    assert result.ranked.groups[0].cutoff == -46


@pytest.mark.parametrize(
    ("quota", "admitted", "reason_b1", "cutoff"),
    [
        # Quota 1: B1 and B11 tie at 86 on the cut-off: both admitted (2 > 1 places).
        (1, {0, 10}, Reason.ADMITTED_TIE, 86),
        # Quota 2: the pair fits exactly.
        (2, {0, 10}, Reason.ADMITTED_QUOTA, 86),
        # Quota 3: the pair fits; B2 and B6 tie at 82 for place 3: both admitted (4 > 3 places).
        (3, {0, 10, 1, 5}, Reason.ADMITTED_QUOTA, 82),
        # Quota 5: places 1-5 are B1, B11, B2, B6, B4 with no tie at 80.5.
        (5, {0, 10, 1, 5, 3}, Reason.ADMITTED_QUOTA, 80.5),
    ],
)
def test_ties_at_the_cut_off_are_all_admitted(quota: int, admitted: set[int], reason_b1: Reason, cutoff: float) -> None:
    result = _round(quota)
    assert set(result.ranked.admitted.nonzero()[0].tolist()) == admitted
    assert Reason(result.ranked.reason[0]) is reason_b1
    assert result.ranked.groups[0].cutoff == cutoff
    if quota == 3:
        assert Reason(result.ranked.reason[1]) is Reason.ADMITTED_TIE
        assert Reason(result.ranked.reason[3]) is Reason.BEYOND_QUOTA


def _line(explanation: Explanation, name: str) -> Line:
    return next(line for line in explanation.lines if line.indicator == name)


def test_housing_years_are_capped_by_insurance_years() -> None:
    result = _round()
    rented = _line(result.explain(3), "housing_rented")  # B4: 25 years rented, 20 insurance years
    assert rented.points == 10
    assert "20" in rented.note_en and "insurance" in rented.note_en
    b8 = result.explain(7)
    assert (_line(b8, "housing_owned").points, _line(b8, "housing_rented").points) == (5, 3.5)


def test_retirement_age_by_sex_and_per_applicant() -> None:
    result = _round()
    gate = {g.gate: g.passed for g in result.explain(2).gates}  # B3: woman of 50
    assert gate == {
        "permit": True,
        "below_retirement_age": False,
        "insurance_7_years": True,
        "no_criminal_record": True,
    }
    assert {g.gate: g.passed for g in result.explain(9).gates}["below_retirement_age"]  # B10: cadre, 52 < 55


def test_deductions_count_per_record_without_floor() -> None:
    b12 = _round().explain(11)
    assert _line(b12, "detentions").points == -90
    assert (b12.total, b12.floor_applied) == (-46, False)
