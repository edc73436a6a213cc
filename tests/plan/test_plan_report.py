"""`renkou plan facilities / impact / report` end to end on a synthetic register that supports a projection.

Facility demand of the base year is checked against the register's own population query, the districts against
the city, an impact scenario against its movers, and the report's PDF pages (rendered with pypdfium2), Word file
and HTML against the sections, tables and charts they must show."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

AS_OF = "2020-12-31"
SECTIONS = ("一、指标评估", "二、监测预警", "三、公共服务设施需求", "四、人口影响评估：城西新城")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "renkou.cli", *args], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def capacity(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cap") / "capacity.csv"
    path.write_text(
        "district,facility,year,capacity\n330106,primary_school_places,2019,10\n330106,elderly_care_beds,2020,1\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scenario") / "new-town.yaml"
    path.write_text(
        "name: 城西新城 / new town\ndecisions:\n"
        "  - kind: housing\n    district: '330110'\n    units: 1000\n    persons_per_unit: 3\n    from_year: 2022\n"
        "    profile: {groups: {'30-30': 1.0}, female_share: 0.5}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def facilities(projectable_db: Path, capacity: Path) -> dict[str, Any]:
    done = run_cli("plan", "facilities", "--db", str(projectable_db), "--capacity", str(capacity), "--json")
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_base_year_demand_is_the_register_population_times_the_standard(
    projectable_db: Path, facilities: dict[str, Any]
) -> None:
    from datetime import date

    from renkou.register.store import Register

    register = Register.open(projectable_db, read_only=True)
    try:
        rows = register.population(date.fromisoformat(AS_OF), "resident", ("district", "sex", "age")).to_pylist()
    finally:
        register.close()
    assert facilities["as_of"] == AS_OF and facilities["years"][0] == 2020 and facilities["years"][-1] == 2035
    demand = {(r["area"], r["facility"]): r for r in facilities["rows"] if r["year"] == 2020}
    districts = [a["code"] for a in facilities["areas"][:-1]]
    for code in districts:
        mine = [r for r in rows if r["district"] == code and r["sex"] in ("F", "M") and r["age"] is not None]

        def aged(low: int, high: int, mine: list[dict[str, Any]] = mine) -> int:
            return sum(r["population"] for r in mine if low <= r["age"] <= high)

        assert demand[(code, "primary_school_places")]["demand"] == pytest.approx(aged(6, 11), abs=0.01)
        assert demand[(code, "junior_school_places")]["demand"] == pytest.approx(aged(12, 14), abs=0.01)
        assert demand[(code, "kindergarten_places")]["demand"] == pytest.approx(0.9 * aged(3, 5), abs=0.01)
        assert demand[(code, "elderly_care_beds")]["demand"] == pytest.approx(0.05 * aged(60, 200), abs=0.01)
        assert demand[(code, "hospital_beds")]["demand"] == pytest.approx(0.006 * aged(0, 200), abs=0.01)
    # Every year, the city is the sum of its districts.
    for year in facilities["years"]:
        for facility in ("primary_school_places", "licensed_doctors"):
            own = [r for r in facilities["rows"] if r["year"] == year and r["facility"] == facility]
            city = next(r for r in own if r["area"] == "330100")
            assert city["demand"] == pytest.approx(sum(r["demand"] for r in own if r["area"] != "330100"), abs=0.1)
    westlake = next(
        r
        for r in facilities["rows"]
        if (r["area"], r["year"], r["facility"]) == ("330106", 2025, "primary_school_places")
    )
    assert westlake["capacity"] == 10 and westlake["gap"] == pytest.approx(10 - westlake["demand"], abs=0.01)


def test_impact_shows_the_movers(projectable_db: Path, scenario: Path) -> None:
    done = run_cli("plan", "impact", "--db", str(projectable_db), "--scenario", str(scenario), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [a["code"] for a in result["areas"]] == ["330100", "330110"]
    pop = {(r["area"], r["year"]): r["difference"] for r in result["population"]}
    assert pop[("330110", 2021)] == 0 and pop[("330100", 2021)] == 0
    # 3 000 movers aged 30 in 2022: half are 30 at the end of the year, half 31 (a year of survival at 30, a few
    # thousandths of them dying). Their children: the engine counts the women's mean of start and end, 750 at 30
    # and 375 at 31 (1 125 woman-years), times the city's rates there, well under 0.1 a year.
    by_age = {(r["area"], r["year"]): np.array(r["difference"]) for r in result["by_age"]}
    ages = by_age[("330110", 2022)]
    assert ages[30] == pytest.approx(1500, abs=0.01)
    assert 1490 < ages[31] <= 1500
    assert 0 < ages[0] < 0.1 * 1125 and abs(ages[1:30]).sum() < 1e-6 and abs(ages[32:]).sum() < 1e-6
    assert pop[("330110", 2022)] == pytest.approx(ages.sum(), abs=0.01)
    fac = {(r["area"], r["year"], r["facility"]): r["difference"] for r in result["facilities"]}
    assert fac[("330110", 2022, "hospital_beds")] == pytest.approx(0.006 * ages.sum(), abs=0.01)
    assert fac[("330110", 2022, "elderly_care_beds")] == 0


def test_report_pdf_docx_html(projectable_db: Path, capacity: Path, scenario: Path, tmp_path: Path) -> None:
    import docx
    import pypdfium2 as pdfium

    from renkou.plan.loader import DEFAULT_PLAN
    from renkou.plan.report import plan_report_from_register, render

    common = ["--db", str(projectable_db), "--kind", "mid", "--scenario", str(scenario), "--capacity", str(capacity)]
    done = run_cli("plan", "report", *common, "--out", str(tmp_path / "eval.pdf"))
    assert done.returncode == 0, done.stderr
    # The Word and HTML files from one building of the same report in this process (the CLI differs only in fmt).
    report = plan_report_from_register(projectable_db, DEFAULT_PLAN, "mid", scenario=scenario, capacity=capacity)
    for fmt in ("docx", "html"):
        (tmp_path / f"eval.{fmt}").write_bytes(render(report, fmt))
    document = pdfium.PdfDocument(str(tmp_path / "eval.pdf"))
    text, inked = "", 0
    for index in range(len(document)):
        page = document[index]
        text += page.get_textpage().get_text_range()
        bitmap = page.render(scale=1).to_numpy()
        inked += int((bitmap[..., :3].mean(axis=2) < 128).sum() > 1000)
    pages = len(document)
    document.close()
    squashed = "".join(text.split())
    assert squashed.startswith("杭州市人口发展")
    for title in SECTIONS:
        assert title in squashed, title
    for caption in ("规划指标评估", "预警清单", "公共服务设施需求", "决策对杭州市人口与设施需求的影响", "图1", "图3"):
        assert caption in squashed, caption
    assert "西湖区小学学龄人口超过学位" in squashed  # the capacity file's 10 seats
    assert inked == pages  # every page has something on it
    word = docx.Document(str(tmp_path / "eval.docx"))
    headings = [p.text for p in word.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings[: len(SECTIONS)] == list(SECTIONS)
    assert len(word.inline_shapes) == 3  # status, facility demand, impact
    html = (tmp_path / "eval.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 3  # one inline SVG per figure
    assert "<script" not in html and "<link" not in html


def test_demo_step_writes_the_facilities_and_stores_the_warnings(projectable_db: Path, tmp_path: Path) -> None:
    import shutil

    from renkou.engine.duckdb import DuckDBEngine
    from renkou.plan import demo_step
    from renkou.plan.store import latest_warnings

    for path in projectable_db.parent.iterdir():
        if path.name.startswith(projectable_db.name):
            shutil.copy(path, tmp_path / path.name)
    db = tmp_path / projectable_db.name
    lines: list[str] = []
    done = demo_step(db, tmp_path, print_line=lines.append)
    facilities = json.loads((tmp_path / "facilities.json").read_text(encoding="utf-8"))
    assert facilities["years"][-1] == 2035 and facilities["variant"] == "medium"
    assert (tmp_path / "facilities.svg").read_text(encoding="utf-8").startswith("<svg")
    engine = DuckDBEngine(str(db), read_only=True)
    stored = latest_warnings(engine)
    engine.close()
    assert stored["trigger"] == "demo" and len(stored["warnings"]) == done["warnings"]
    assert any("小学学位" in line for line in lines)


def test_end_term_report_of_a_past_plan_on_a_small_register(plan_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "end.html"
    done = run_cli(
        "plan", "report", "--db", str(plan_db), "--plan", "suzhou_13th_fyp_2016_2020", "--kind", "end",
        "--out", str(out), "--no-projection",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert "终期评估报告" in html and "评估时点：2020-12-31" in html
    assert "一、指标评估" in html and "二、监测预警" in html
    # Too small a register for a projection: no facility section, and the notes say why.
    assert "公共服务设施需求" not in html.split("附注")[0] and "no facility demand" in html
    bad = run_cli("plan", "report", "--db", str(plan_db), "--kind", "final", "--out", str(tmp_path / "x.html"))
    assert bad.returncode == 1
    assert (
        bad.stderr.strip().splitlines()[-1]
        == "错误 / error: --kind 应为 mid 或 end：final / --kind must be mid or end, not final"
    )
