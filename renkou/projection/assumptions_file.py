"""Reading A.yaml, the explicit assumptions of a projection (DESIGN.md "Contracts"), into :class:`ExplicitInputs`.

Per region and variant: ``sex_ratio_at_birth`` (boys per girl), ``asfr`` (births per woman per year, a list with one
value per age group of women starting at age 0, or a mapping ``{age: rate}`` where unlisted groups have no births),
``nLx`` (``{F: [...], M: [...]}``, life-table person-years per age group with the open group's total last),
``radix`` (``l0`` of that life table, default 100000) and ``net_migrants`` (``{F: [...], M: [...]}`` over one step,
by age group at the end of the step; default none). Any of them may instead be a list with one entry per step; a
list longer than ``steps`` is allowed (the tail is unused), a shorter one is an error. An infinite open-group
``nLx`` (YAML ``.inf``) means no deaths in the open group. ``migration_timing`` defaults to ``half``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np

from renkou.projection.base_file import BasePopulation
from renkou.projection.engine import SEXES, TIMINGS, Timing
from renkou.projection.inputs import ExplicitInputs, FloatArray
from renkou.projection.problems import as_int, as_number, bad_value, missing_key
from renkou.projection.yaml_file import load_yaml_mapping

SERIES_KEYS = ("sex_ratio_at_birth", "asfr", "nLx", "radix", "net_migrants")
TOP_KEYS = ("age_interval", "start_year", "steps", "migration_timing", "open_age", "regions")
DEFAULT_RADIX = 100_000.0
T = TypeVar("T")


@dataclass(frozen=True)
class AssumptionsHeader:
    """The top-level settings of A.yaml and its raw ``regions`` mapping (validated later against the base)."""

    path: Path
    age_interval: int
    start_year: int
    steps: int
    migration_timing: Timing
    open_age: int | None
    regions: dict[str, dict[str, Any]]


def read_header(path: Path) -> AssumptionsHeader:
    """Read A.yaml's top level; the age interval is needed before the base file can be read."""
    data = load_yaml_mapping(path)
    return parse_header(path, data)


def parse_header(path: Path, data: dict[str, Any]) -> AssumptionsHeader:
    """Validate the top-level keys of an assumptions mapping."""
    for key in data:
        if key not in TOP_KEYS:
            raise bad_value(
                path, str(key), data[key], "未知的键", f"unknown key (expected one of {', '.join(TOP_KEYS)})"
            )
    for key in ("age_interval", "start_year", "steps", "regions"):
        if key not in data:
            raise missing_key(path, key)
    age_interval = as_int(path, "age_interval", data["age_interval"])
    if age_interval not in (1, 5):
        raise bad_value(path, "age_interval", age_interval, "年龄组距应为 1 或 5", "age_interval must be 1 or 5")
    start_year = as_int(path, "start_year", data["start_year"])
    steps = as_int(path, "steps", data["steps"])
    if steps < 1:
        raise bad_value(path, "steps", steps, "预测步数应至少为 1", "steps must be at least 1")
    timing = data.get("migration_timing", "half")
    if timing not in TIMINGS:
        raise bad_value(path, "migration_timing", timing, "应为 half 或 end", "must be half or end")
    open_age = data.get("open_age")
    if open_age is not None:
        open_age = as_int(path, "open_age", open_age)
    regions = data["regions"]
    if not isinstance(regions, dict) or not regions:
        raise bad_value(path, "regions", regions, "应为非空的地区映射", "must be a non-empty mapping of regions")
    checked: dict[str, dict[str, Any]] = {}
    for code, variants in regions.items():
        if not isinstance(variants, dict) or not variants:
            raise bad_value(
                path, f"regions.{code}", variants, "应为非空的方案映射", "must be a non-empty mapping of variants"
            )
        checked[str(code)] = {str(name): value for name, value in variants.items()}
    return AssumptionsHeader(path, age_interval, start_year, steps, cast(Timing, timing), open_age, checked)


def compile_explicit(header: AssumptionsHeader, base: BasePopulation, base_path: Path) -> ExplicitInputs:
    """Check the assumptions against the base population and build the arrays of every (region, variant)."""
    path = header.path
    if header.open_age is not None and header.open_age != base.ages[-1]:
        raise bad_value(
            base_path,
            "age",
            base.ages[-1],
            f"缺少开口组 {header.open_age}+（{path} 的 open_age）",
            f"open group missing: {path} sets open_age {header.open_age} but the last group is {base.ages[-1]}",
        )
    for code in header.regions:
        if code not in base.regions:
            raise bad_value(
                path, "regions", code, f"基数文件 {base_path} 中没有该地区", f"region not in the base file {base_path}"
            )
    for code in base.regions:
        if code not in header.regions:
            raise bad_value(
                base_path, "region", code, f"假设文件 {path} 中没有该地区", f"region not in the assumptions {path}"
            )
    series: list[tuple[str, str]] = []
    rows: list[int] = []
    compiled: list[dict[str, FloatArray]] = []
    for index, code in enumerate(base.regions):
        for variant, values in header.regions[code].items():
            reader = _SeriesReader(path, f"regions.{code}.{variant}", base.ages, header.age_interval, header.steps)
            compiled.append(reader.read(values))
            series.append((code, variant))
            rows.append(index)
    return ExplicitInputs(
        age_interval=header.age_interval,
        start_year=header.start_year,
        steps=header.steps,
        migration_timing=header.migration_timing,
        ages=base.ages,
        series=series,
        base=base.population[rows],
        **{key: np.stack([c[key] for c in compiled]) for key in SERIES_KEYS},
    )


class _SeriesReader:
    """Validates one region x variant block and expands it to per-step arrays."""

    def __init__(self, path: Path, where: str, ages: list[int], n: int, steps: int) -> None:
        self.path, self.where, self.ages, self.n, self.steps = path, where, ages, n, steps

    def read(self, values: Any) -> dict[str, FloatArray]:
        if not isinstance(values, dict):
            raise bad_value(self.path, self.where, values, "应为键值映射", "must be a mapping")
        for key in values:
            if key not in SERIES_KEYS:
                raise bad_value(
                    self.path,
                    f"{self.where}.{key}",
                    values[key],
                    "未知的键",
                    f"unknown key (expected one of {', '.join(SERIES_KEYS)})",
                )
        for key in ("sex_ratio_at_birth", "asfr", "nLx"):
            if key not in values:
                raise missing_key(self.path, f"{self.where}.{key}")
        srb = self._per_step(values["sex_ratio_at_birth"], "sex_ratio_at_birth", _is_scalar, self._positive)
        radix = self._per_step(values.get("radix", DEFAULT_RADIX), "radix", _is_scalar, self._positive)
        asfr = self._per_step(values["asfr"], "asfr", _is_age_schedule, self._asfr)
        zero = {sex: [0.0] * len(self.ages) for sex in SEXES}
        migrants = self._per_step(values.get("net_migrants", zero), "net_migrants", _is_mapping, self._migrants)
        if _is_mapping(values["nLx"]) and len(set(radix)) == 1:
            nLx = [self._nLx(values["nLx"], "nLx", radix[0])] * self.steps  # checked once
        else:
            entries, per_step = self._entries(values["nLx"], "nLx", _is_mapping)
            nLx = [
                self._nLx(entry, f"nLx[{step}]" if per_step[step] else "nLx", radix[step])
                for step, entry in enumerate(entries)
            ]
        return {
            "sex_ratio_at_birth": np.array(srb),
            "radix": np.array(radix),
            "asfr": np.array(asfr),
            "nLx": np.array(nLx),
            "net_migrants": np.array(migrants),
        }

    def _entries(self, value: Any, key: str, single: Callable[[Any], bool]) -> tuple[list[Any], list[bool]]:
        """The value of each step and whether it came from a per-step list."""
        if single(value):
            return [value] * self.steps, [False] * self.steps
        if not isinstance(value, list) or not value:
            raise bad_value(self.path, f"{self.where}.{key}", value, "格式不对", "has the wrong form")
        if len(value) < self.steps:
            raise bad_value(
                self.path,
                f"{self.where}.{key}",
                f"{len(value)} entries",
                f"逐步列表短于预测期（steps = {self.steps}）",
                f"per-step list shorter than the horizon (steps = {self.steps})",
            )
        return value[: self.steps], [True] * self.steps

    def _per_step(
        self, value: Any, key: str, single: Callable[[Any], bool], convert: Callable[[Any, str], T]
    ) -> list[T]:
        if single(value):
            return [convert(value, key)] * self.steps  # checked once, the same for every step
        entries, _ = self._entries(value, key, single)
        return [convert(entry, f"{key}[{step}]") for step, entry in enumerate(entries)]

    def _key(self, key: str) -> str:
        return f"{self.where}.{key}"

    def _positive(self, value: Any, key: str) -> float:
        number = as_number(self.path, self._key(key), value)
        if number <= 0:
            raise bad_value(self.path, self._key(key), value, "应为正数", "must be positive")
        return number

    def _rate_list(self, value: Any, key: str, *, allow_negative: bool = False) -> list[float]:
        if not isinstance(value, list):
            raise bad_value(self.path, self._key(key), value, "应为列表", "must be a list")
        if len(value) != len(self.ages):
            raise bad_value(
                self.path,
                self._key(key),
                f"{len(value)} values",
                f"长度应等于年龄组数 {len(self.ages)}",
                f"length must equal the number of age groups, {len(self.ages)}",
            )
        numbers = [as_number(self.path, f"{self._key(key)}[{i}]", v) for i, v in enumerate(value)]
        for i, number in enumerate(numbers):
            if number < 0 and not allow_negative:
                raise bad_value(self.path, f"{self._key(key)}[{i}]", value[i], "不能为负", "must not be negative")
        return numbers

    def _asfr(self, value: Any, key: str) -> list[float]:
        if isinstance(value, dict):
            rates = [0.0] * len(self.ages)
            for age, rate in value.items():
                if isinstance(age, bool) or not isinstance(age, int) or age not in self.ages:
                    raise bad_value(
                        self.path,
                        f"{self._key(key)}.{age}",
                        rate,
                        "年龄不是年龄组的下限",
                        "the age is not the lower bound of an age group",
                    )
                number = as_number(self.path, f"{self._key(key)}.{age}", rate)
                if number < 0:
                    raise bad_value(self.path, f"{self._key(key)}.{age}", rate, "不能为负", "must not be negative")
                rates[self.ages.index(age)] = number
        else:
            rates = self._rate_list(value, key)
        if rates[0] > 0:
            raise bad_value(
                self.path,
                f"{self._key(key)}[0]",
                rates[0],
                "第一个年龄组不能有生育",
                "the first age group cannot have births (women born in a step do not give birth in it)",
            )
        return rates

    def _sex_pair(self, value: Any, key: str, *, allow_negative: bool) -> list[list[float]]:
        if not isinstance(value, dict) or set(value) != set(SEXES):
            raise bad_value(
                self.path, self._key(key), value, "应为 {F: [...], M: [...]}", "must be {F: [...], M: [...]}"
            )
        return [self._rate_list(value[sex], f"{key}.{sex}", allow_negative=allow_negative) for sex in SEXES]

    def _migrants(self, value: Any, key: str) -> list[list[float]]:
        return self._sex_pair(value, key, allow_negative=True)

    def _nLx(self, value: Any, key: str, radix: float) -> list[list[float]]:
        if not isinstance(value, dict) or set(value) != set(SEXES):
            raise bad_value(
                self.path, self._key(key), value, "应为 {F: [...], M: [...]}", "must be {F: [...], M: [...]}"
            )
        pair = []
        for sex in SEXES:
            where = self._key(f"{key}.{sex}")
            column = value[sex]
            if not isinstance(column, list) or len(column) != len(self.ages):
                raise bad_value(
                    self.path,
                    where,
                    column if not isinstance(column, list) else f"{len(column)} values",
                    f"应为长度 {len(self.ages)} 的列表（最后一项为开口组）",
                    f"must be a list of {len(self.ages)} values (the open group last)",
                )
            numbers = [
                as_number(self.path, f"{where}[{i}]", v, allow_inf=i == len(column) - 1) for i, v in enumerate(column)
            ]
            for i, number in enumerate(numbers):
                if number <= 0:
                    raise bad_value(self.path, f"{where}[{i}]", column[i], "应为正数", "must be positive")
            if numbers[0] > self.n * radix * (1 + 1e-12):
                raise bad_value(
                    self.path,
                    f"{where}[0]",
                    column[0],
                    f"超过 n × radix = {self.n * radix:g}",
                    f"exceeds n x radix = {self.n * radix:g}",
                )
            for i in range(1, len(numbers) - 1):
                if numbers[i] > numbers[i - 1] * (1 + 1e-12):
                    raise bad_value(
                        self.path,
                        f"{where}[{i}]",
                        column[i],
                        f"大于前一组 {column[i - 1]}（存活比不能超过 1）",
                        f"greater than the previous group, {column[i - 1]} (survival cannot exceed 1)",
                    )
            pair.append(numbers)
        return pair


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, list | dict)


def _is_mapping(value: Any) -> bool:
    return isinstance(value, dict)


def _is_age_schedule(value: Any) -> bool:
    """A single schedule: a mapping, or a list whose entries are not themselves lists or mappings."""
    return isinstance(value, dict) or (isinstance(value, list) and bool(value) and _is_scalar(value[0]))


def explicit_to_yaml_data(inputs: ExplicitInputs) -> dict[str, Any]:
    """The A.yaml mapping of explicit inputs (per-step lists throughout), so compiled scenarios can be inspected,
    edited and rerun with ``renkou project --assumptions``. Floats keep full precision."""
    regions: dict[str, dict[str, Any]] = {}
    for k, (region, variant) in enumerate(inputs.series):
        regions.setdefault(region, {})[variant] = {
            "sex_ratio_at_birth": inputs.sex_ratio_at_birth[k].tolist(),
            "asfr": inputs.asfr[k].tolist(),
            "nLx": [{sex: inputs.nLx[k, t, s].tolist() for s, sex in enumerate(SEXES)} for t in range(inputs.steps)],
            "radix": inputs.radix[k].tolist(),
            "net_migrants": [
                {sex: inputs.net_migrants[k, t, s].tolist() for s, sex in enumerate(SEXES)} for t in range(inputs.steps)
            ],
        }
    return {
        "age_interval": inputs.age_interval,
        "start_year": inputs.start_year,
        "steps": inputs.steps,
        "migration_timing": inputs.migration_timing,
        "open_age": inputs.ages[-1],
        "regions": regions,
    }
