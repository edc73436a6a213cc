"""Tie-breaks, ties at the cut-off, quotas per district, and the ranking and public-list tables."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from points_helpers import citizen_id, run_round

from renkou.errors import UserError
from renkou.points.output import public_table, ranking_table, write_csv
from renkou.points.ranking import Reason

# Guangzhou-style: equal scores are ordered by longer medical insurance in the city, then longer continuous permit.
RULES = """\
schema_version: 1
id: test-tiebreak
revision: 1
city: {zh: 测试市, en: Test City, code: "440100"}
purpose: school_admission
year: 2024
zh: 测试
en: test
sources: [{title: 测试办法, issuer: 测试}]
inputs:
  base_points: {type: number, zh: 基础分, en: points}
  medical_years: {type: number, zh: 医保年限, en: medical insurance years}
  permit_years: {type: number, zh: 居住证年限, en: permit years}
  district: {type: text, zh: 区, en: district}
indicators:
  base: {zh: 基础分, en: base, kind: per_unit, input: base_points, rate: 1, whole_units: false}
ranking:
  quotas: {by: district, places: {A: 2, B: 1, C: 0}}
  tie_breaks: [{input: medical_years}, {input: permit_years}]
  ties_at_cutoff: within_quota
"""

APPLICANTS = [
    # district A, 2 places
    {"name": "甲一", "district": "A", "base_points": 90, "medical_years": 5, "permit_years": 3},  # rank 1
    {"name": "甲二", "district": "A", "base_points": 80, "medical_years": 6, "permit_years": 2},  # 80, more medical: 2
    {"name": "甲三", "district": "A", "base_points": 80, "medical_years": 5, "permit_years": 9},  # 80, less medical: 3
    {"name": "甲四", "district": "A", "base_points": 70, "medical_years": 9, "permit_years": 9},  # rank 4
    # district B, 1 place: two applicants equal on score and both tie-breaks share rank 1
    {"name": "乙一", "district": "B", "base_points": 85, "medical_years": 4, "permit_years": 4},
    {"name": "乙二", "district": "B", "base_points": 85, "medical_years": 4, "permit_years": 4},
    {"name": "乙三", "district": "B", "base_points": 60, "medical_years": 1, "permit_years": 1},  # rank 3
    # district C has no places; district D is not in the table
    {"name": "丙一", "district": "C", "base_points": 99, "medical_years": 1, "permit_years": 1},
    {"name": "欧阳丁", "district": "D", "base_points": 50, "medical_years": 1, "permit_years": 1},
]


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiebreak.yaml"
    path.write_text(RULES, encoding="utf-8")
    return path


def test_tie_breaks_order_equal_scores(rules_file: Path) -> None:
    result = run_round(str(rules_file), APPLICANTS)
    assert result.ranked.rank.tolist() == [1, 2, 3, 4, 1, 1, 3, 1, 1]
    assert result.ranked.admitted.tolist() == [True, True, False, False, False, False, False, False, False]
    reasons = [Reason(r) for r in result.ranked.reason]
    assert reasons[:4] == [Reason.ADMITTED_QUOTA, Reason.ADMITTED_QUOTA, Reason.BEYOND_QUOTA, Reason.BEYOND_QUOTA]
    # within_quota: the tie for district B's single place does not fit, so neither is admitted.
    assert reasons[4:7] == [Reason.TIE_BEYOND_QUOTA, Reason.TIE_BEYOND_QUOTA, Reason.BEYOND_QUOTA]
    assert reasons[7:] == [Reason.BEYOND_QUOTA, Reason.NO_PLACES]
    by_group = {g.group: (g.places, g.admitted, g.cutoff) for g in result.ranked.groups}
    assert by_group == {"A": (2, 2, 80), "B": (1, 0, None), "C": (0, 0, None), "D": (-1, 0, None)}


def test_admit_all_admits_the_whole_tie(tmp_path: Path) -> None:
    path = tmp_path / "all.yaml"
    path.write_text(RULES.replace("within_quota", "admit_all"), encoding="utf-8")
    result = run_round(str(path), APPLICANTS)
    assert result.ranked.admitted.tolist()[4:7] == [True, True, False]
    assert Reason(result.ranked.reason[4]) is Reason.ADMITTED_TIE


def test_ascending_tie_break_and_passing_score_with_quota(tmp_path: Path) -> None:
    path = tmp_path / "asc.yaml"
    text = RULES.replace("{input: medical_years}", "{input: medical_years, order: asc}")
    text = text.replace("  ties_at_cutoff: within_quota", "  ties_at_cutoff: within_quota\n  passing_score: 75")
    path.write_text(text, encoding="utf-8")
    result = run_round(str(path), APPLICANTS)
    # Fewer medical years first now: 甲三 (5) before 甲二 (6).
    assert result.ranked.rank.tolist()[:4] == [1, 3, 2, 4]
    assert Reason(result.ranked.reason[3]) is Reason.BELOW_PASSING  # 70 < 75
    assert result.ranked.admitted.tolist()[:4] == [True, False, True, False]


def test_quota_option_cannot_override_group_quotas(rules_file: Path) -> None:
    with pytest.raises(UserError, match="--quota"):
        run_round(str(rules_file), APPLICANTS, quota=3)


def test_ranking_and_public_tables(rules_file: Path, tmp_path: Path) -> None:
    result = run_round(str(rules_file), APPLICANTS)
    rules = result.rule_set.rules
    write_csv(ranking_table(rules, result.table, result.scores, result.ranked), tmp_path / "out.csv")
    write_csv(public_table(rules, result.table, result.scores, result.ranked), tmp_path / "public.csv")
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "rank",
        "applicant_id_masked",
        "name_masked",
        "score",
        "admitted",
        "reason",
        "group",
        "line",
    ]
    # Output order: by group, then rank; every applicant appears once.
    assert [r["name_masked"] for r in rows] == ["甲*", "甲*", "甲*", "甲*", "乙*", "乙*", "乙*", "丙*", "欧阳*"]
    assert sorted(int(r["line"]) for r in rows) == list(range(1, 10))
    assert rows[0]["applicant_id_masked"] == citizen_id(1)[:6] + "********" + citizen_id(1)[-4:]
    assert rows[0]["score"] == "90" and rows[0]["admitted"] == "true"
    assert rows[4]["reason"].startswith("与录取线同分但名额不足 / tied at the cut-off")
    with (tmp_path / "public.csv").open(encoding="utf-8") as handle:
        public = list(csv.DictReader(handle))
    assert list(public[0]) == ["rank", "applicant_id_masked", "name_masked", "score", "group"]
    assert [(p["rank"], p["score"], p["group"]) for p in public] == [("1", "90", "A"), ("2", "80", "A")]
    text = (tmp_path / "public.csv").read_text(encoding="utf-8") + (tmp_path / "out.csv").read_text(encoding="utf-8")
    for index in range(1, len(APPLICANTS) + 1):
        assert citizen_id(index) not in text
    assert "甲一" not in text


def test_ineligible_applicants_are_listed_with_their_failed_gates(tmp_path: Path) -> None:
    records = [
        {"has_permit": "否", "sex": "M", "age": 30, "insurance_years": 5},  # fails the permit and the 7 years
        {"has_permit": "是", "sex": "M", "age": 30, "insurance_years": 9},
    ]
    result = run_round("beijing-2016", records, quota=5)
    table = ranking_table(result.rule_set.rules, result.table, result.scores, result.ranked)
    reasons = table.column("reason").to_pylist()
    ranks = table.column("rank").to_pylist()
    assert ranks == [1, None]
    assert reasons[1] == (
        "不符合申请条件：持有本市居住证；在京连续缴纳社会保险 7 年及以上 / not eligible: holds a Beijing residence "
        "permit; at least 7 years of continuous social insurance in Beijing"
    )
