"""Shanghai 2015 residence-permit points, worked by hand (standard score 120, floor 0, no quota).

Rules as encoded (renkou/points/rules/shanghai-2015.yaml):
  age: 56-60 -> 5; 55 and younger: 7 + 2 per year below 55, at most 30 (so 44 -> 29, 43 -> 31 capped to 30);
       over 60 -> 0
  education: 大专 50, 本科 60, 本科+学士 90, 硕士 100, 博士 110
  skill: level 5 -> 15, level 4 -> 30, level 3 -> 60, level 2 / intermediate title -> 100, level 1 / senior title
         -> 140; the last four only with >= 6 of the last 12 months at an insurance base >= the city mean wage,
         otherwise 0
  only the higher of education and skill counts (education wins an equal pair: only one counts either way)
  social insurance: 3 per FULL year
  deductions: false materials -150, detention -50, criminal record -150 (each); total never below 0
"""

from __future__ import annotations

from points_helpers import Round, run_round

from renkou.points.explain import Explanation, Line
from renkou.points.ranking import Reason

BASE = {"has_permit": "是", "false_materials": 0, "detentions": 0, "criminal_records": 0}

APPLICANTS = [
    # S1: age 43 -> 7 + 2*12 = 31 -> cap 30; 硕士 100; skill 0; insurance 5.9 -> 5 full years -> 15. 30+100+15 = 145
    {"age": 43, "education": "硕士", "insurance_years": 5.9, "evidence_source": "register"},
    # S2: age 44 -> 7 + 2*11 = 29; 本科 (no degree) 60; insurance 10 -> 30. 29+60+30 = 119: one short of 120
    {"age": 44, "education": "本科", "insurance_years": 10, "age_source": "verified"},
    # S3: age 54 -> 7 + 2 = 9; 本科+学士 90; insurance 7 -> 21. 9+90+21 = 120: exactly the standard score
    {"age": 54, "education": "本科+学士", "insurance_years": 7},
    # S4: age 60 (top of 56-60) -> 5; 大专 50; insurance 20 -> 60. 5+50+60 = 115
    {"age": 60, "education": "大专", "insurance_years": 20},
    # S5: age 61 -> no band -> 0; 博士 110; insurance 3 -> 9. 0+110+9 = 119
    {"age": 61, "education": "博士", "insurance_years": 3},
    # S6: age 35 -> 7 + 40 = 47 -> cap 30; 本科+学士 90 vs senior title 140 (6 months at mean wage: condition met):
    #     only the higher counts -> 140; insurance 2 -> 6. 30+140+6 = 176
    {"age": 35, "education": "本科+学士", "skill": "高级职称", "high_base_months": 6, "insurance_years": 2},
    # S7: age 35 -> 30; 本科 60 vs senior title with only 5 months -> title scores 0, education 60 counts;
    #     insurance 4 -> 12. 30+60+12 = 102
    {"age": 35, "education": "本科", "skill": "title_senior", "high_base_months": 5, "insurance_years": 4},
    # S8: age 45 -> 7 + 20 = 27; no education; level 3 (高级工) 60, no condition; insurance 11.99 -> 11 -> 33.
    #     27+60+33 = 120
    {"age": 45, "skill": "三级", "insurance_years": 11.99},
    # S9: age 30 -> 30; 硕士 100; insurance 6 -> 18; false materials once -150. 30+100+18-150 = -2 -> floor 0
    {"age": 30, "education": "硕士", "insurance_years": 6, "false_materials": 1},
    # S10: age 40 -> 30; 博士 110; insurance 10 -> 30; detention twice -100; criminal record once -150.
    #      30+110+30-100-150 = -80 -> floor 0
    {"age": 40, "education": "博士", "insurance_years": 10, "detentions": 2, "criminal_records": 1},
    # S11: no residence permit: not eligible. Points still computed: 30 + 100 + 5*3 = 145
    {"has_permit": "否", "age": 30, "education": "硕士", "insurance_years": 5},
    # S12: age 50 -> 7 + 10 = 17; 大专 50 vs level 2 (技师) 100 with 12 months -> 100; insurance 1 -> 3. 17+100+3 = 120
    {"age": 50, "education": "大专", "skill": "技师", "high_base_months": 12, "insurance_years": 1},
    # S13: age 55 -> 7; no education; level 5 15; insurance 0.5 -> 0 full years -> 0. 7+15 = 22
    {"age": 55, "skill": "五级", "insurance_years": 0.5},
    # S14: age 56 (bottom of 56-60) -> 5; 硕士 100 vs intermediate title 100 (6 months): equal, only one counts ->
    #      100; insurance 5 -> 15. 5+100+15 = 120
    {"age": 56, "education": "硕士", "skill": "中级职称", "high_base_months": 6, "insurance_years": 5},
]
EXPECTED_TOTALS = [145, 119, 120, 115, 119, 176, 102, 120, 0, 0, 145, 120, 22, 120]
EXPECTED_ADMITTED = [True, False, True, False, False, True, False, True, False, False, False, True, False, True]
# Rank among eligible applicants by score (S11 is not ranked): 176; 145; 120 x4 share rank 3; 119 x2 share 7; ...
EXPECTED_RANKS = [2, 7, 3, 9, 7, 1, 10, 3, 12, 12, 0, 3, 11, 3]


def _round() -> Round:
    return run_round("shanghai-2015", [{**BASE, **a} for a in APPLICANTS])


def test_totals_match_hand_arithmetic() -> None:
    result = _round()
    assert [result.total(i) for i in range(len(APPLICANTS))] == EXPECTED_TOTALS


def test_admission_at_standard_score_and_ranks() -> None:
    result = _round()
    assert result.ranked.admitted.tolist() == EXPECTED_ADMITTED
    assert result.ranked.rank.tolist() == EXPECTED_RANKS
    assert Reason(result.ranked.reason[10]) is Reason.NOT_ELIGIBLE
    assert Reason(result.ranked.reason[1]) is Reason.BELOW_PASSING
    assert Reason(result.ranked.reason[2]) is Reason.ADMITTED_PASSING


def _line(explanation: Explanation, name: str) -> Line:
    return next(line for line in explanation.lines if line.indicator == name)


def test_age_cap_is_shown_in_the_explanation() -> None:
    result = _round()
    age = _line(result.explain(0), "age")
    assert (age.raw, age.points, age.cap_applied) == (31, 30, True)
    assert "30" in age.note_zh
    # 44 scores 29: below the cap, nothing applied.
    age44 = _line(result.explain(1), "age")
    assert (age44.raw, age44.points, age44.cap_applied) == (29, 29, False)


def test_only_the_higher_of_education_and_skill_counts() -> None:
    result = _round()
    s6 = result.explain(5)
    assert (_line(s6, "education").raw, _line(s6, "education").points) == (90, 0)
    assert "not counted" in _line(s6, "education").note_en
    assert _line(s6, "skill").points == 140
    # Equal pair: education (listed first) counts, the title does not; the total has 100 once.
    s14 = result.explain(13)
    assert (_line(s14, "education").points, _line(s14, "skill").points) == (100, 0)


def test_top_skill_tier_needs_the_insurance_base_condition() -> None:
    skill = _line(_round().explain(6), "skill")
    assert (skill.raw, skill.points) == (0, 0)
    assert "condition" in skill.note_en


def test_deductions_stop_at_the_floor() -> None:
    result = _round()
    s9 = result.explain(8)
    assert (s9.gross, s9.total, s9.floor_applied) == (-2, 0, True)
    s10 = result.explain(9)
    assert (s10.gross, s10.total) == (-80, 0)
    assert _line(s10, "detentions").points == -100


def test_full_years_only_and_evidence_sources() -> None:
    result = _round()
    s1 = result.explain(0)
    insurance = _line(s1, "social_insurance")
    assert insurance.points == 15 and "5" in insurance.note_en
    assert {line.source for line in s1.lines} == {"register"}
    s2 = result.explain(1)
    assert _line(s2, "age").source == "verified"
    assert _line(s2, "education").source == "self_declared"


def test_failed_gate_is_explained() -> None:
    s11 = _round().explain(10)
    assert not s11.eligible
    assert [(g.gate, g.passed) for g in s11.gates] == [("permit", False)]
