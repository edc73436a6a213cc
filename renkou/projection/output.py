"""Writing projection results: OUT.csv, the components file and the ``--json`` summary."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from renkou.errors import UserError
from renkou.projection.engine import SEXES, Projection
from renkou.projection.inputs import ExplicitInputs

if TYPE_CHECKING:
    from renkou.projection.stochastic import StochasticSummary

POPULATION_COLUMNS = ("variant", "region", "year", "sex", "age", "population")
COMPONENT_COLUMNS = ("variant", "region", "year_from", "year_to", "measure", "sex", "age", "value")


def number_text(value: float) -> str:
    """Persons with four decimals, trailing zeros dropped (fractions of persons are kept: rounding is the reader's)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _open_writer(path: Path) -> Any:
    try:
        return path.open("w", encoding="utf-8", newline="")
    except OSError as error:
        raise UserError(f"无法写入文件 {path}：{error.strerror}", f"cannot write {path}: {error.strerror}") from error


def write_population(path: Path, inputs: ExplicitInputs, result: Projection, series: list[tuple[str, str]]) -> int:
    """Write ``variant,region,year,sex,age,population`` for every series, the base year included; returns rows."""
    years = inputs.years
    rows = 0
    with _open_writer(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(POPULATION_COLUMNS)
        for k, (region, variant) in enumerate(series):
            for t, year in enumerate(years):
                for s, sex in enumerate(SEXES):
                    values = result.population[k, t, s]
                    writer.writerows(
                        (variant, region, year, sex, age, number_text(v))
                        for age, v in zip(inputs.ages, values.tolist(), strict=True)
                    )
                    rows += len(values)
    return rows


def write_components(path: Path, inputs: ExplicitInputs, result: Projection, series: list[tuple[str, str]]) -> int:
    """Write births (by sex of child), births by mother's age, deaths (by sex and age group reached at the end of the
    step) and net migrants per step, as ``variant,region,year_from,year_to,measure,sex,age,value``."""
    years = inputs.years
    rows = 0
    with _open_writer(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COMPONENT_COLUMNS)
        for k, (region, variant) in enumerate(series):
            for t in range(inputs.steps):
                head = (variant, region, years[t], years[t + 1])
                for s, sex in enumerate(SEXES):
                    writer.writerow((*head, "births", sex, "", number_text(result.births[k, t, s])))
                    rows += 1
                for age, value in zip(inputs.ages, result.births_by_age[k, t].tolist(), strict=True):
                    writer.writerow((*head, "births_by_mother_age", "F", age, number_text(value)))
                    rows += 1
                for measure, values in (("deaths", result.deaths), ("net_migrants", result.net_migrants)):
                    for s, sex in enumerate(SEXES):
                        for age, value in zip(inputs.ages, values[k, t, s].tolist(), strict=True):
                            writer.writerow((*head, measure, sex, age, number_text(value)))
                            rows += 1
    return rows


def summary(inputs: ExplicitInputs, result: Projection, series: list[tuple[str, str]]) -> dict[str, Any]:
    """The ``--json`` object: settings and, per series, totals by year and components by step."""
    totals = result.population.sum(axis=(-1, -2))
    return {
        "start_year": inputs.start_year,
        "age_interval": inputs.age_interval,
        "steps": inputs.steps,
        "migration_timing": inputs.migration_timing,
        "years": inputs.years,
        "ages": inputs.ages,
        "series": [
            {
                "region": region,
                "variant": variant,
                "population": [round(v, 4) for v in totals[k].tolist()],
                "population_female": [round(v, 4) for v in result.population[k, :, 0].sum(axis=-1).tolist()],
                "population_male": [round(v, 4) for v in result.population[k, :, 1].sum(axis=-1).tolist()],
                "births": [round(v, 4) for v in result.births[k].sum(axis=-1).tolist()],
                "deaths": [round(v, 4) for v in result.deaths[k].sum(axis=(-1, -2)).tolist()],
                "net_migrants": [round(v, 4) for v in result.net_migrants[k].sum(axis=(-1, -2)).tolist()],
            }
            for k, (region, variant) in enumerate(series)
        ],
    }


def check_not_negative(
    assumptions: Path,
    inputs: ExplicitInputs,
    result: Projection,
    series: list[tuple[str, str]],
    migration_key: str = "regions.{region}.{variant}.net_migrants",
) -> None:
    """Refuse explicit inputs whose net emigration exceeds the persons at risk in a cell (the inputs are
    inconsistent): the engine would apply less emigration than written (it never lets a cell turn negative), and an
    explicit contract does not change the user's numbers silently. The message names the migration key,
    ``migration_key`` formatted with the region and variant."""
    # The engine applies the written migrants bit for bit wherever no limit binds; a shortfall below a millionth of a
    # person is rounding noise of subtracting equal amounts (e.g. migrants computed as minus the survivors).
    shortfall = np.asarray(result.net_migrants) - np.asarray(inputs.net_migrants)
    low = shortfall > 1e-6
    if not low.any():
        return
    k, t, s, a = (int(i) for i in np.argwhere(low)[0])
    region, variant = series[k]
    key = migration_key.format(region=region, variant=variant)
    raise UserError(
        f"文件 {assumptions} 的键 {key} 使 {inputs.years[t + 1]} 年性别 {SEXES[s]} 年龄 {inputs.ages[a]} 的迁出"
        f"超过现有人口，人口将为负（{shortfall[k, t, s, a]:.1f} 人无法迁出）",
        f"{assumptions}: key {key} takes more emigrants than there are persons (the population would be negative) "
        f"in the step to {inputs.years[t + 1]}, sex {SEXES[s]}, age {inputs.ages[a]} "
        f"({shortfall[k, t, s, a]:.1f} could not leave)",
        code="projection_input",
    )


def quantile_label(q: float) -> str:
    """Column name of a quantile: 0.025 -> p2.5, 0.5 -> p50."""
    return f"p{q * 100:g}"


def write_intervals(path: Path, scenario_years: list[int], ages: list[int], summary: StochasticSummary) -> int:
    """Write every output's quantiles as ``measure,region,year_from,year_to,sex,age,p2.5,...``.

    Populations are as of a year (``year_from = year_to``); flows are over the step ``year_from`` to ``year_to``.
    Totals have empty sex and age; the assumption measures (``tfr``, ``e0``, ``migration_total`` per year) are given
    for the regions only.
    """
    labels = [quantile_label(q) for q in summary.quantiles]
    steps = len(scenario_years) - 1
    rows = 0
    with _open_writer(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["measure", "region", "year_from", "year_to", "sex", "age", *labels])

        def emit(measure: str, region: str, span: tuple[int, int], sex: str, age: int | str, values: Any) -> None:
            nonlocal rows
            writer.writerow([measure, region, *span, sex, age, *(number_text(v) for v in values)])
            rows += 1

        for k, region in enumerate(summary.regions):
            for t, year in enumerate(scenario_years):
                emit("population_total", region, (year, year), "", "", summary.population_total[:, k, t])
                for s, sex in enumerate(SEXES):
                    for a, age in enumerate(ages):
                        emit("population", region, (year, year), sex, age, summary.population[:, k, t, s, a])
            for t in range(steps):
                span = (scenario_years[t], scenario_years[t + 1])
                emit("births_total", region, span, "", "", summary.births_total[:, k, t])
                emit("deaths_total", region, span, "", "", summary.deaths_total[:, k, t])
                emit("net_migrants_total", region, span, "", "", summary.net_migrants_total[:, k, t])
                for s, sex in enumerate(SEXES):
                    emit("births", region, span, sex, "", summary.births[:, k, t, s])
                for a, age in enumerate(ages):
                    emit("births_by_mother_age", region, span, "F", age, summary.births_by_age[:, k, t, a])
                for measure, values in (("deaths", summary.deaths), ("net_migrants", summary.net_migrants)):
                    for s, sex in enumerate(SEXES):
                        for a, age in enumerate(ages):
                            emit(measure, region, span, sex, age, values[:, k, t, s, a])
                if k < summary.tfr.shape[1]:
                    emit("tfr", region, span, "", "", summary.tfr[:, k, t])
                    emit("migration_total", region, span, "", "", summary.migration_total[:, k, t])
                    for s, sex in enumerate(SEXES):
                        emit("e0", region, span, sex, "", summary.e0[:, k, t, s])
    return rows


def stochastic_summary_json(scenario_years: list[int], summary: StochasticSummary) -> dict[str, Any]:
    """The ``--json`` object of a stochastic run: settings and the quantiles of the totals per region."""

    def by_quantile(values: Any) -> dict[str, list[float]]:
        return {quantile_label(q): [round(v, 4) for v in values[i].tolist()] for i, q in enumerate(summary.quantiles)}

    return {
        "trajectories": summary.trajectories,
        "seed": summary.seed,
        "quantiles": list(summary.quantiles),
        "years": scenario_years,
        "regions": {
            region: {
                "population": by_quantile(summary.population_total[:, k]),
                "births": by_quantile(summary.births_total[:, k]),
                "deaths": by_quantile(summary.deaths_total[:, k]),
                "net_migrants": by_quantile(summary.net_migrants_total[:, k]),
            }
            for k, region in enumerate(summary.regions)
        },
    }


TABLE_COLUMNS = ("variant", "region", "year", "sex", "age_group", "population")


def age_groups(ages: list[int], width: int = 5) -> list[tuple[str, list[int]]]:
    """Five-year groups (``0-4``, ``5-9``, ...) of the projection's age groups, the open one last (``100+``); with
    five-year steps every group is its own. Returns (label, indices into ``ages``)."""
    open_age = ages[-1]
    groups: dict[int, list[int]] = {}
    for index, age in enumerate(ages[:-1]):
        groups.setdefault(age // width * width, []).append(index)
    out = []
    for low, members in groups.items():
        high = ages[members[-1] + 1] - 1  # the last year of the last member group
        out.append((f"{low}-{high}", members))
    out.append((f"{open_age}+", [len(ages) - 1]))
    return out


def table_rows(
    years: list[int], ages: list[int], result: Projection, series: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """The population by variant, region, year, sex (F, M and T for both) and five-year age group, with a
    ``total`` row per sex, as records."""
    groups = age_groups(ages)
    rows: list[dict[str, Any]] = []
    for k, (region, variant) in enumerate(series):
        for t, year in enumerate(years):
            by_sex = result.population[k, t]
            for sex, values in (("F", by_sex[0]), ("M", by_sex[1]), ("T", by_sex[0] + by_sex[1])):
                for label, members in groups:
                    rows.append(
                        {
                            "variant": variant,
                            "region": region,
                            "year": year,
                            "sex": sex,
                            "age_group": label,
                            "population": round(float(values[members].sum()), 4),
                        }
                    )
                rows.append(
                    {
                        "variant": variant,
                        "region": region,
                        "year": year,
                        "sex": sex,
                        "age_group": "total",
                        "population": round(float(values.sum()), 4),
                    }
                )
    return rows


def check_table_path(path: Path) -> str:
    """The table file's suffix (``.csv`` or ``.json``), or a one-line error (checked before a long run)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise UserError(f"表格文件应为 .csv 或 .json：{path}", f"a table file must end in .csv or .json: {path}")
    return suffix


def write_table(
    path: Path, years: list[int], ages: list[int], result: Projection, series: list[tuple[str, str]]
) -> int:
    """Write :func:`table_rows` as CSV (``.csv``) or as a JSON object ``{"columns": [...], "rows": [{...}]}``
    (``.json``); returns the number of rows."""
    import json

    suffix = check_table_path(path)
    rows = table_rows(years, ages, result, series)
    with _open_writer(path) as handle:
        if suffix == ".json":
            json.dump({"columns": list(TABLE_COLUMNS), "rows": rows}, handle, ensure_ascii=False)
        else:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(TABLE_COLUMNS)
            writer.writerows([*(row[c] for c in TABLE_COLUMNS[:-1]), number_text(row["population"])] for row in rows)
    return len(rows)
