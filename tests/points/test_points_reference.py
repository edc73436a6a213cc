"""The vectorised scorer and ranker against plain per-applicant loops written from the rule text.

The loops below do not read the YAML: they restate the Shanghai 2015 and Beijing 2016 rules in ordinary Python,
in whole hundredths of a point, so a wrong rule file or a wrong vectorised step shows up as a difference.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from points_helpers import citizen_id, run_round

SH_EDU = {"none": 0, "associate": 50, "bachelor": 60, "bachelor_degree": 90, "master": 100, "doctor": 110}
SH_SKILL = {
    "none": 0, "vocational_5": 15, "vocational_4": 30, "vocational_3": 60,
    "vocational_2": 100, "title_intermediate": 100, "vocational_1": 140, "title_senior": 140,
}  # fmt: skip
SH_TOP = {"vocational_2", "title_intermediate", "vocational_1", "title_senior"}
BJ_EDU = {"none": 0, "associate": 1050, "bachelor": 0, "bachelor_degree": 1500, "master": 2600, "doctor": 3700}


def shanghai_reference(a: dict[str, Any]) -> tuple[bool, int]:
    age = a["age"]
    if 56 <= age <= 60:
        age_points = 5
    elif age <= 55:
        age_points = min(30, 7 + 2 * (55 - age))
    else:
        age_points = 0
    skill = SH_SKILL[a["skill"]]
    if a["skill"] in SH_TOP and a["high_base_months"] < 6:
        skill = 0
    best = max(SH_EDU[a["education"]], skill)
    insurance = 3 * math.floor(float(a["insurance_years"]))
    deductions = 150 * a["false_materials"] + 50 * a["detentions"] + 150 * a["criminal_records"]
    return a["has_permit"] == "1", max(0, age_points + best + insurance - deductions) * 100


def beijing_reference(a: dict[str, Any]) -> tuple[bool, int]:
    insurance = math.floor(float(a["insurance_years"]))
    owned = min(math.floor(float(a["housing_owned_years"])), insurance)
    rented = min(math.floor(float(a["housing_rented_years"])), insurance - owned)
    cents = 300 * insurance + 100 * owned + 50 * rented + BJ_EDU[a["education"]]
    cents += 2000 * (a["age"] <= 45) + 2000 * (a["honours"] == "1") + 600 * (a["tax_criterion"] == "1")
    cents -= 1200 * a["tax_violations"] + 3000 * a["detentions"]
    retirement = a["retirement_age"] if a["retirement_age"] != "" else (60 if a["sex"] == "M" else 50)
    eligible = (
        a["has_permit"] == "1"
        and a["age"] < retirement
        and float(a["insurance_years"]) >= 7
        and a["criminal_record"] == "0"
    )
    return eligible, cents


def _years(rng: np.random.Generator, top: int) -> str:
    return f"{rng.integers(0, top * 100) / 100:.2f}"


def shanghai_applicants(rng: np.random.Generator, count: int) -> list[dict[str, Any]]:
    return [
        {
            "applicant_id": citizen_id(i % 1000, born=f"19{70 + i // 1000}0101"),
            "has_permit": str(int(rng.random() < 0.95)),
            "age": int(rng.integers(18, 66)),
            "education": str(rng.choice(list(SH_EDU))),
            "skill": str(rng.choice(list(SH_SKILL))),
            "high_base_months": int(rng.integers(0, 13)),
            "insurance_years": _years(rng, 25),
            "false_materials": int(rng.random() < 0.03),
            "detentions": int(rng.integers(0, 3) * (rng.random() < 0.05)),
            "criminal_records": int(rng.random() < 0.02),
        }
        for i in range(count)
    ]


def beijing_applicants(rng: np.random.Generator, count: int) -> list[dict[str, Any]]:
    return [
        {
            "applicant_id": citizen_id(i % 1000, born=f"19{70 + i // 1000}0101"),
            "has_permit": str(int(rng.random() < 0.95)),
            "sex": str(rng.choice(["M", "F"])),
            "age": int(rng.integers(22, 62)),
            "retirement_age": "" if rng.random() < 0.8 else 55,
            "insurance_years": _years(rng, 25),
            "criminal_record": str(int(rng.random() < 0.02)),
            "housing_owned_years": _years(rng, 20),
            "housing_rented_years": _years(rng, 20),
            "education": str(rng.choice(list(BJ_EDU))),
            "honours": str(int(rng.random() < 0.05)),
            "tax_criterion": str(int(rng.random() < 0.1)),
            "tax_violations": int(rng.integers(0, 3) * (rng.random() < 0.05)),
            "detentions": int(rng.integers(0, 2) * (rng.random() < 0.05)),
        }
        for i in range(count)
    ]


def reference_ranks(eligible: list[bool], cents: list[int], quota: int | None) -> tuple[list[int], list[bool]]:
    """Competition rank by counting strictly higher eligible scores; admitted if ranked within the quota."""
    higher = sorted(c for c, e in zip(cents, eligible, strict=True) if e)
    ranks, admitted = [], []
    for c, e in zip(cents, eligible, strict=True):
        if not e:
            ranks.append(0)
            admitted.append(False)
            continue
        # Number of eligible scores strictly above c, by a linear count (independent of any sort position).
        rank = 1 + sum(1 for other in higher if other > c)
        ranks.append(rank)
        admitted.append(quota is None or rank <= quota)
    return ranks, admitted


def test_shanghai_vectorised_equals_loop() -> None:
    records = shanghai_applicants(np.random.default_rng(2015), 1500)
    result = run_round("shanghai-2015", records)
    expected = [shanghai_reference(a) for a in records]
    assert result.scores.eligible.tolist() == [e for e, _ in expected]
    assert result.scores.total.tolist() == [c for _, c in expected]
    passing = [e and c >= 12000 for e, c in expected]
    assert result.ranked.admitted.tolist() == passing
    assert result.ranked.rank.tolist() == reference_ranks([e for e, _ in expected], [c for _, c in expected], None)[0]


def test_beijing_vectorised_equals_loop_with_quota() -> None:
    records = beijing_applicants(np.random.default_rng(2016), 1500)
    expected = [beijing_reference(a) for a in records]
    eligible = [e for e, _ in expected]
    cents = [c for _, c in expected]
    for quota in (1, 37, 400, 5000):
        result = run_round("beijing-2016", records, quota)
        assert result.scores.eligible.tolist() == eligible
        assert result.scores.total.tolist() == cents
        ranks, admitted = reference_ranks(eligible, cents, quota)
        assert result.ranked.rank.tolist() == ranks
        assert result.ranked.admitted.tolist() == admitted
        assert result.ranked.admitted.sum() >= min(quota, sum(eligible))
