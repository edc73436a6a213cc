"""Plan files: the shipped plans against the shared source data, and line-numbered errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from renkou.errors import UserError
from renkou.plan.loader import DEFAULT_PLAN, load_plan, shipped_plans

# Copies of the shared source files the plans were transcribed from (see data/README.txt).
SHARED = Path(__file__).parent / "data"
GOOD = """\
plan: small
base_year: 2020
target_year: 2025
about_tolerance: 0.1
indicators:
  - name: crude birth rate
    target: ">8"
    measure: {key: registered.crude_birth_rate}
  - name: forest cover
    nature: binding
    target: ">=24"
    entered: {2021: 23.5, 2022: 23.9}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_small_plan_loads(tmp_path: Path) -> None:
    plan = load_plan(_write(tmp_path, GOOD))
    assert plan.name == "small"
    first, second = plan.indicators
    assert first.key == "registered.crude_birth_rate" and first.factor == 1.0 and first.nature == "expected"
    assert second.entered == {2021: 23.5, 2022: 23.9} and second.nature == "binding" and second.key is None


def test_shipped_plans_load() -> None:
    plans = {name: load_plan(path) for name, path in shipped_plans().items()}
    assert DEFAULT_PLAN.stem in plans
    assert len(plans) >= 3
    assert len(plans["hangzhou_14th_fyp_2021_2025"].indicators) == 16
    assert len(plans["lianyungang_13th_fyp_2016_2020"].indicators) == 31
    assert len(plans["suzhou_13th_fyp_2016_2020"].indicators) == 16


def test_hangzhou_targets_match_the_shared_source() -> None:
    source = yaml.safe_load((SHARED / "hangzhou_2020.yaml").read_text(encoding="utf-8"))
    published = [(row["target_2025"], row["actual_2020"]) for row in source["indicators_2020_actual_2025_target"]]
    plan = load_plan(DEFAULT_PLAN)
    ours = [(ind.published or ind.target.text, ind.base) for ind in plan.indicators]
    assert ours == published


@pytest.mark.parametrize(
    ("plan_name", "section"),
    [
        ("suzhou_13th_fyp_2016_2020", "targets_2020"),
        ("suzhou_12th_fyp_2011_2015", "targets_2015"),
        ("lianyungang_13th_fyp_2016_2020", "targets_2020"),
    ],
)
def test_shared_plans_match_the_source(plan_name: str, section: str) -> None:
    source = yaml.safe_load((SHARED / "plan_targets.yaml").read_text(encoding="utf-8"))[plan_name]
    plan = load_plan(shipped_plans()[plan_name])
    published = [str(row["target"]) for row in source[section]]
    ours = [ind.published or ind.target.text for ind in plan.indicators]
    assert ours == published
    natures = [row.get("nature", "expected") for row in source[section]]
    assert [ind.nature for ind in plan.indicators] == natures


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ('    target: ">8"', '    target: "about 8"', 7, ["about 8"]),
        ('    target: ">8"', "    target: 8", 7, ["bare number"]),
        ("registered.crude_birth_rate", "registered.crude_birth_rat", 8, ["registered.crude_birth_rat"]),
        ("    nature: binding", "    nature: binding\n    colour: red", 11, ["colour"]),
        ("    nature: binding", "    nature: compulsory", 10, ["compulsory"]),
        ("target_year: 2025", "target_year: 2019", 3, ["2019"]),
        ("about_tolerance: 0.1", "about_tolerance: lots", 4, ["lots"]),
        ("{2021: 23.5, 2022: 23.9}", "{2021: 23.5, 2022: high}", 12, ["high"]),
        ("plan: small", "plan: small\nplna: typo", 2, ["plna"]),
    ],
)
def test_bad_plans_name_file_line_and_value(tmp_path: Path, old: str, new: str, line: int, words: list[str]) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(UserError) as caught:
        load_plan(path)
    message = str(caught.value)
    assert f"{path}:{line}" in message
    assert "\n" not in message
    for word in words:
        assert word in message


def test_about_without_any_tolerance(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("about_tolerance: 0.1\n", "").replace('">8"', '"~8"'))
    with pytest.raises(UserError, match=r"plan.yaml:6.*tolerance"):
        load_plan(path)


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("  - name: forest cover", "  - name: [forest cover"))
    with pytest.raises(UserError, match=r"plan.yaml:\d+.*YAML"):
        load_plan(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not found"):
        load_plan(tmp_path / "nope.yaml")
