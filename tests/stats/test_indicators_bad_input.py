"""Bad input to ``renkou stats``: dates outside the register, a year without events, unknown districts, a year the
register only partly covers; and the command line's contract (JSON keys, one-line errors, exit codes)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from indicators_helpers import HUKOU, Person, load, row

from renkou.cli import main
from renkou.errors import UserError
from renkou.register.store import Register
from renkou.stats.compute import StatsRequest, compute_stats

WANG = Person("wang", "330106", date(1950, 3, 1), "M", 1)
LI = Person("li", "330106", date(1955, 7, 9), "F", 2)
ZHANG = Person("zhang", "330102", date(1990, 1, 31), "F", 3)

CONTRACT_KEYS = {
    "population",
    "births",
    "deaths",
    "crude_birth_rate",
    "crude_death_rate",
    "natural_increase_rate",
    "total_fertility_rate",
    "mean_age_at_childbearing",
    "sex_ratio_at_birth",
    "infant_mortality_rate",
    "life_expectancy_at_birth",
    "life_expectancy_at_birth_female",
    "life_expectancy_at_birth_male",
    "share_0_14",
    "share_15_59",
    "share_15_64",
    "share_60_plus",
    "share_65_plus",
    "share_80_plus",
    "child_dependency_ratio",
    "old_age_dependency_ratio",
    "total_dependency_ratio",
    "median_age",
    "sex_ratio",
    "urbanization_rate",
    "households",
    "mean_household_size",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    directory = Path(tmp_path_factory.mktemp("bad_input"))
    register = Register.open(directory / "renkou.duckdb", city="330100")
    baseline = [
        row(HUKOU, event_type="baseline", id_number=p.id, occurred_on="2019-12-31", hukou_region=p.division)
        for p in (WANG, LI, ZHANG)
    ]
    load(register, directory, "baseline", "hukou", HUKOU, baseline)
    load(
        register,
        directory,
        "death",
        "hukou",
        HUKOU,
        [row(HUKOU, event_type="death", id_number=WANG.id, occurred_on="2020-06-01")],
    )
    register.close()
    yield directory / "renkou.duckdb"


def _stats(db: Path, request: StatsRequest) -> dict[str, Any]:
    register = Register.open(db, read_only=True)
    try:
        return compute_stats(register, request)
    finally:
        register.close()


def test_as_of_before_the_register_starts(db: Path) -> None:
    with pytest.raises(UserError) as caught:
        _stats(db, StatsRequest(date(2019, 6, 30)))
    assert "2019-12-31" in str(caught.value) and "before the register starts" in str(caught.value)


def test_as_of_after_the_last_recorded_date(db: Path) -> None:
    later = date.today() + timedelta(days=400)
    with pytest.raises(UserError) as caught:
        _stats(db, StatsRequest(later))
    assert "after the last date anything was recorded" in str(caught.value)


def test_a_year_without_events(db: Path) -> None:
    with pytest.raises(UserError) as caught:
        _stats(db, StatsRequest(date(2022, 6, 30)))
    assert "no events in the year 2021-07-01 to 2022-06-30" in str(caught.value)


def test_unknown_district_names_the_known_ones(db: Path) -> None:
    with pytest.raises(UserError) as caught:
        _stats(db, StatsRequest(date(2020, 12, 31), district="330199"))
    message = str(caught.value)
    assert "330199" in message and "330106 西湖区" in message


def test_a_year_the_register_only_partly_covers(db: Path) -> None:
    # The year 2019-07-01 .. 2020-06-30 starts before the baseline of 2019-12-31: stocks yes, flows and rates no.
    result = _stats(db, StatsRequest(date(2020, 6, 30)))
    block = result["city"]["registered"]
    assert block["population"] == 2  # wang died on 2020-06-01
    for key in ("births", "deaths", "crude_death_rate", "population_start", "life_expectancy_at_birth"):
        assert block[key] is None
        assert "the year starts before the register does" in block["notes"][key]
    assert any("after the start of the year" in note for note in result["notes"])


def test_zero_exposure_rates_are_null_with_reasons(db: Path) -> None:
    result = _stats(db, StatsRequest(date(2020, 12, 31)))
    block = result["city"]["registered"]
    # Nobody was born: no sex ratio at birth or infant mortality, and the reason says why; no women 15-49 except
    # zhang (30): the TFR is undefined rather than zero.
    assert block["births"] == 0 and block["crude_birth_rate"] == 0.0
    assert block["sex_ratio_at_birth"] is None and "no female births" in block["notes"]["sex_ratio_at_birth"]
    assert block["infant_mortality_rate"] is None and "no births" in block["notes"]["infant_mortality_rate"]
    assert block["total_fertility_rate"] is None and "15-19" in block["notes"]["total_fertility_rate"]
    # The district without anyone registered in it at all is not invented; the others are listed.
    assert set(result["districts"]) >= {"330102", "330106"}


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def renkou(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Done]:
    """Run the ``renkou`` entry point in this process, as the shell would, and capture what it prints."""

    def run(*args: str) -> Done:
        monkeypatch.setattr(sys, "argv", ["renkou", *args])
        code = 0
        try:
            main()
        except SystemExit as stop:
            code = int(stop.code or 0)
        captured = capsys.readouterr()
        return Done(code, captured.out, captured.err)

    return run


def test_cli_json_contract(db: Path, renkou: Callable[..., Done]) -> None:
    done = renkou("stats", "--db", str(db), "--as-of", "2020-12-31", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["as_of"] == "2020-12-31"
    for block in (result["city"], *result["districts"].values()):
        for kind in ("registered", "resident"):
            assert set(block[kind]) >= CONTRACT_KEYS, CONTRACT_KEYS - set(block[kind])
            assert isinstance(block[kind]["notes"], dict)
        assert isinstance(block["floating"]["population"], int)
    assert result["districts"]["330106"]["name"] == "西湖区"
    assert result["city"]["registered"]["deaths"] == 1
    assert "total_fertility_rate" in result["definitions"]["registered_resident"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--as-of", "2019-06-30"], "before the register starts"),
        (["--as-of", "2020-13-01"], "invalid date '2020-13-01'"),
        (["--as-of", "2020-12-31", "--district", "江干"], "no district '江干'"),
        (["--as-of", "2020-12-31", "--known-at", "yesterday"], "invalid time 'yesterday'"),
    ],
)
def test_cli_bad_input_is_one_line_with_exit_1(
    db: Path, args: list[str], expected: str, renkou: Callable[..., Done]
) -> None:
    done = renkou("stats", "--db", str(db), *args)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误 / error:") and expected in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_cli_missing_database_and_explain(tmp_path: Path, renkou: Callable[..., Done]) -> None:
    done = renkou("stats", "--db", str(tmp_path / "none.duckdb"), "--as-of", "2020-12-31")
    assert done.returncode == 1 and "database not found" in done.stderr
    explained = renkou("stats", "--explain")
    assert explained.returncode == 0
    assert "total_fertility_rate  总和生育率 / total fertility rate" in explained.stdout


def test_cli_tables(db: Path, renkou: Callable[..., Done]) -> None:
    done = renkou("stats", "--db", str(db), "--as-of", "2020-12-31")
    assert done.returncode == 0, done.stderr
    assert "330106 西湖区" in done.stdout and "常住人口 / resident population" in done.stdout
