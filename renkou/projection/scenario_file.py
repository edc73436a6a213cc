"""Reading a scenario YAML (TFR, e0 and migration paths, variants, stochastic settings) into a :class:`Scenario`.

Layout (``defaults`` holds sections shared by all regions; a region's own keys win, section by section)::

    age_interval: 1                 # 1 or 5, equal to the step
    start_year: 2020
    steps: 15
    migration_timing: half          # or end
    defaults:
      fertility:
        tfr: 1.1                    # or a list with one value per step
        schedule: {model: hadwiger, mean_age: 30.5, sd: 5.5}
                  # {model: gamma, mean_age: 30, sd: 5.5, origin: 14} | {model: observed, asfr: [...] or {age: rate}}
        sex_ratio_at_birth: 1.06    # boys per girl; or per step
      mortality:
        standard: {file: standard_mx.csv}   # CSV sex,age,mx (single years 0..omega, omega open and >= the open age)
                                            # or {F: [...], M: [...]} inline, or {F: file.csv, M: file.csv} with
                                            # age,mx columns (e.g. the output of `renkou lifetable`)
        e0: {F: 82.0, M: 78.0}      # each a number or per-step list; absent: the standard itself
        beta: 1.0                   # Brass slope, held fixed
      migration:
        total: 20000                # net migrants per year, both sexes; or per step
        profile: {model: rogers_castro, params: fundamental, female_share: 0.5, open_width: 5}
                 # params may be a mapping of Rogers-Castro parameters; or {model: observed, F: [...], M: [...]}
    regions:
      "330102": {migration: {total: 3000}}
    variants:                       # optional; default a single medium variant
      low: {tfr_shift: -0.3, migration_factor: 0.7, ramp_steps: 5}
      medium: {}
      high: {tfr_shift: 0.3, migration_factor: 1.3, ramp_steps: 5}
    stochastic:                     # optional; used by `renkou project --scenario ... --stochastic`
      trajectories: 1000
      seed: 20240601
      correlation: common           # or independent (shocks per region)
      tfr: {model: ar1, rho: 0.9, sigma: 0.05}            # children per woman per step
      e0: {model: random_walk, drift: 0.0, sigma: 0.25}   # years per step
      migration: {model: ar1, rho: 0.5, sigma: 0.2, scale: relative}

File paths inside the scenario are relative to the scenario file.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, cast

import numpy as np

from renkou.errors import UserError
from renkou.projection.base_file import BasePopulation, read_base
from renkou.projection.engine import SEXES, TIMINGS, Timing
from renkou.projection.fertility import DEFAULT_RANGE, gamma_shape, hadwiger_shape, observed_shape
from renkou.projection.fields import Fields
from renkou.projection.inputs import FloatArray
from renkou.projection.migration import FUNDAMENTAL, observed_profile, rogers_castro_profile, sex_age_profile
from renkou.projection.mortality import BrassModel
from renkou.projection.problems import bad_value
from renkou.projection.scenario import (
    MEDIUM,
    Process,
    RegionPlan,
    Scenario,
    ScenarioValueError,
    StochasticSettings,
    Variant,
)
from renkou.projection.yaml_file import load_yaml_mapping

TOP = (
    "age_interval",
    "start_year",
    "steps",
    "migration_timing",
    "open_age",
    "defaults",
    "regions",
    "variants",
    "stochastic",
)
SECTIONS = ("fertility", "mortality", "migration")
SECTION_KEYS = {
    "fertility": ("tfr", "schedule", "sex_ratio_at_birth", "span"),
    "mortality": ("standard", "e0", "beta"),
    "migration": ("total", "profile"),
}
VARIANT_KEYS = ("tfr_shift", "e0_shift", "migration_factor", "migration_shift", "ramp_steps")
PROCESS_KEYS = ("model", "sigma", "rho", "drift", "scale")


def read_scenario(path: Path, base_path: Path) -> Scenario:
    """Read the scenario and its base population; every problem is a one-line error naming file, key and value."""
    data = load_yaml_mapping(path)
    f = Fields(path)
    top = f.mapping("(top)", data, TOP, ("age_interval", "start_year", "steps", "regions"))
    n = f.integer("age_interval", top["age_interval"])
    if n not in (1, 5):
        raise bad_value(path, "age_interval", n, "年龄组距应为 1 或 5", "age_interval must be 1 or 5")
    start_year = f.integer("start_year", top["start_year"])
    steps = f.integer("steps", top["steps"], minimum=1)
    timing = cast(Timing, f.choice("migration_timing", top.get("migration_timing", "half"), TIMINGS))
    base = read_base(base_path, n)
    if "open_age" in top and f.integer("open_age", top["open_age"]) != base.ages[-1]:
        raise bad_value(
            base_path,
            "age",
            base.ages[-1],
            f"缺少开口组 {top['open_age']}+",
            f"open group missing: {path} sets open_age {top['open_age']} but the last group is {base.ages[-1]}",
        )
    defaults = f.mapping("defaults", top.get("defaults", {}), SECTIONS)
    regions = top["regions"]
    if not isinstance(regions, dict):
        raise bad_value(path, "regions", regions, "应为地区映射", "must be a mapping of regions")
    regions = {str(code): value for code, value in regions.items()}
    _check_region_sets(path, base_path, list(regions), base)
    reader = _RegionReader(f, path, n, steps, base.ages, defaults)
    plans = [reader.read(code, regions[code]) for code in base.regions]
    variants = _variants(f, top.get("variants"))
    stochastic = _stochastic(f, top["stochastic"]) if "stochastic" in top else None
    return Scenario(
        age_interval=n,
        start_year=start_year,
        steps=steps,
        migration_timing=timing,
        ages=base.ages,
        base=base.population,
        regions=plans,
        variants=variants,
        stochastic=stochastic,
    )


def scenario_error(path: Path, error: ScenarioValueError) -> UserError:
    """The one-line error for a value that compiled to something impossible."""
    return bad_value(path, error.key, error.value, error.reason_zh, error.reason_en)


def _check_region_sets(path: Path, base_path: Path, codes: list[str], base: BasePopulation) -> None:
    for code in codes:
        if code not in base.regions:
            raise bad_value(path, "regions", code, f"基数文件 {base_path} 中没有该地区", f"region not in {base_path}")
    for code in base.regions:
        if code not in codes:
            raise bad_value(base_path, "region", code, f"情景文件 {path} 中没有该地区", f"region not in {path}")


class _RegionReader:
    """Merges defaults into one region's sections and builds its :class:`RegionPlan`."""

    def __init__(self, f: Fields, path: Path, n: int, steps: int, ages: list[int], defaults: dict[str, Any]) -> None:
        self.f, self.path, self.n, self.steps, self.ages, self.defaults = f, path, n, steps, ages, defaults
        self._standards: dict[str, tuple[BrassModel, BrassModel]] = {}

    def section(self, code: str, own: dict[str, Any], name: str) -> tuple[dict[str, Any], dict[str, str]]:
        """The merged section and, per key, the dotted path where its value was written."""
        shared = self.f.mapping(f"defaults.{name}", self.defaults.get(name, {}), SECTION_KEYS[name])
        mine = self.f.mapping(f"regions.{code}.{name}", own.get(name, {}), SECTION_KEYS[name])
        where = {key: f"defaults.{name}.{key}" for key in shared} | {
            key: f"regions.{code}.{name}.{key}" for key in mine
        }
        return shared | mine, where

    def read(self, code: str, value: Any) -> RegionPlan:
        own = self.f.mapping(f"regions.{code}", value if value is not None else {}, SECTIONS)
        fertility, fk = self.section(code, own, "fertility")
        mortality, mk = self.section(code, own, "mortality")
        migration, gk = self.section(code, own, "migration")
        for section, required in (
            (fertility, ("tfr", "schedule", "sex_ratio_at_birth")),
            (mortality, ("standard",)),
        ):
            for key in required:
                if key not in section:
                    raise bad_value(
                        self.path,
                        f"regions.{code}",
                        "(defaults)",
                        f"缺少 {key}（地区或 defaults 中）",
                        f"{key} is missing (in the region or in defaults)",
                    )
        steps = self.steps
        tfr = self.f.per_step(
            fk["tfr"], fertility["tfr"], steps, minimum=0.0, what_zh="总和生育率路径", what_en="TFR path"
        )
        srb = self.f.per_step(fk["sex_ratio_at_birth"], fertility["sex_ratio_at_birth"], steps, positive=True)
        span = DEFAULT_RANGE
        if "span" in fertility:
            raw = fertility["span"]
            if not (isinstance(raw, list) and len(raw) == 2):
                raise bad_value(self.path, fk["span"], raw, "应为 [最低, 最高] 年龄", "must be [lowest, highest] age")
            span = (self.f.number(fk["span"] + "[0]", raw[0], minimum=0), self.f.number(fk["span"] + "[1]", raw[1]))
        shape = self._schedule(fk["schedule"], fertility["schedule"], span)
        models = self._standard(mk["standard"], mortality["standard"])
        beta = self.f.number(mk["beta"], mortality["beta"], positive=True) if "beta" in mortality else 1.0
        if "e0" in mortality:
            e0_value = self.f.mapping(mk["e0"], mortality["e0"], SEXES, SEXES)
            e0 = np.stack(
                [
                    self.f.per_step(
                        f"{mk['e0']}.{s}", e0_value[s], steps, positive=True, what_zh="预期寿命路径", what_en="e0 path"
                    )
                    for s in SEXES
                ]
            )
        else:
            e0 = np.stack([np.full(steps, float(model.e0(0.0, beta))) for model in models])
        total = (
            self.f.per_step(gk["total"], migration["total"], steps, what_zh="迁移路径", what_en="migration path")
            if "total" in migration
            else np.zeros(steps)
        )
        profile = self._profile(gk.get("profile", f"regions.{code}.migration.profile"), migration.get("profile"))
        return RegionPlan(code, tfr, shape, srb, models, beta, e0, total, profile)

    def _schedule(self, key: str, value: Any, span: tuple[float, float]) -> FloatArray:
        spec = self.f.mapping(key, value, ("model", "mean_age", "sd", "origin", "asfr"), ("model",))
        model = self.f.choice(f"{key}.model", spec["model"], ("hadwiger", "gamma", "observed"))
        try:
            if model == "observed":
                if "asfr" not in spec:
                    raise bad_value(self.path, key, spec, "observed 模式需要 asfr", "the observed model needs asfr")
                rates = self.f.rates(f"{key}.asfr", spec["asfr"], self.ages)
                if rates[0] > 0:
                    raise bad_value(
                        self.path,
                        f"{key}.asfr",
                        spec["asfr"],
                        "第一个年龄组不能有生育",
                        "the first age group cannot have births",
                    )
                return observed_shape(rates, self.n)
            mean = self.f.number(f"{key}.mean_age", spec.get("mean_age"), positive=True)
            sd = self.f.number(f"{key}.sd", spec.get("sd"), positive=True)
            if model == "hadwiger":
                return hadwiger_shape(mean, sd, self.ages, self.n, span)
            origin = self.f.number(f"{key}.origin", spec.get("origin", 0.0), minimum=0.0)
            return gamma_shape(mean, sd, self.ages, self.n, origin, span)
        except ValueError as error:
            raise bad_value(self.path, key, spec, "生育模式无效", str(error)) from error

    def _standard(self, key: str, value: Any) -> tuple[BrassModel, BrassModel]:
        cache_key = repr(value)
        if cache_key in self._standards:
            return self._standards[cache_key]
        if isinstance(value, dict) and set(value) == {"file"}:
            columns = _read_standard_file(self.path, key, self.path.parent / str(value["file"]), with_sex=True)
        else:
            spec = self.f.mapping(key, value, SEXES, SEXES)
            columns = {}
            for sex in SEXES:
                item = spec[sex]
                if isinstance(item, str):
                    columns[sex] = _read_standard_file(self.path, f"{key}.{sex}", self.path.parent / item)[sex]
                elif isinstance(item, list):
                    columns[sex] = [self.f.number(f"{key}.{sex}[{i}]", v, positive=True) for i, v in enumerate(item)]
                else:
                    raise bad_value(
                        self.path, f"{key}.{sex}", item, "应为 mx 列表或文件名", "must be a list of mx or a file"
                    )
        open_age = self.ages[-1]
        models = []
        for sex in SEXES:
            mx = columns[sex]
            if len(mx) - 1 < open_age:
                raise bad_value(
                    self.path,
                    f"{key}.{sex}",
                    f"{len(mx)} ages",
                    f"标准生命表应至少到开口组 {open_age} 岁",
                    f"the standard must reach the open age {open_age}",
                )
            models.append(BrassModel(np.array(mx, dtype=np.float64), sex))
        pair = (models[0], models[1])
        self._standards[cache_key] = pair
        return pair

    def _profile(self, key: str, value: Any) -> FloatArray:
        spec = self.f.mapping(
            key,
            value if value is not None else {"model": "rogers_castro"},
            ("model", "params", "female_share", "open_width", "F", "M"),
            ("model",),
        )
        model = self.f.choice(f"{key}.model", spec["model"], ("rogers_castro", "observed"))
        if model == "observed":
            for sex in SEXES:
                if sex not in spec:
                    raise bad_value(
                        self.path, key, spec, "observed 模式需要 F 和 M", "the observed model needs F and M"
                    )
            counts = np.stack([self.f.rates(f"{key}.{s}", spec[s], self.ages, allow_negative=True) for s in SEXES])
            try:
                return observed_profile(counts)
            except ValueError as error:
                raise bad_value(self.path, key, "(F, M)", "合计应为正数", str(error)) from error
        raw = spec.get("params", "fundamental")
        if raw == "fundamental":
            params = dict(FUNDAMENTAL)
        else:
            given = self.f.mapping(
                f"{key}.params", raw, tuple(sorted({*FUNDAMENTAL, "a3", "alpha3", "mu3", "lambda3", "a4", "lambda4"}))
            )
            params = {name: self.f.number(f"{key}.params.{name}", v) for name, v in given.items()}
        share = self.f.number(f"{key}.female_share", spec.get("female_share", 0.5), minimum=0.0, maximum=1.0)
        width = self.f.number(f"{key}.open_width", spec.get("open_width", 5.0), positive=True)
        try:
            one = rogers_castro_profile(params, self.ages, self.n, width)
        except ValueError as error:
            raise bad_value(self.path, f"{key}.params", raw, "Rogers-Castro 参数无效", str(error)) from error
        return sex_age_profile(one, one, share)


def _read_standard_file(path: Path, key: str, file: Path, *, with_sex: bool = False) -> dict[str, list[float]]:
    """Single-year mx from a CSV (``sex,age,mx`` or ``age,mx``; other columns ignored), ages 0, 1, ... contiguous."""
    try:
        handle = file.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise bad_value(
            path, key, str(file), f"无法读取：{error.strerror}", f"cannot read: {error.strerror}"
        ) from error
    columns: dict[str, dict[int, float]] = {}
    with handle:
        reader = csv.DictReader(handle)
        needed = {"age", "mx"} | ({"sex"} if with_sex else set())
        if not needed <= set(reader.fieldnames or []):
            raise bad_value(
                path, key, str(file), f"应有列 {','.join(sorted(needed))}", f"needs columns {','.join(sorted(needed))}"
            )
        for line, row in enumerate(reader, start=2):
            sex = row["sex"].strip() if with_sex else "*"
            try:
                age = int(float(row["age"]))
                mx = float(row["mx"])
            except ValueError:
                raise bad_value(file, f"line {line}", row, "age 和 mx 应为数值", "age and mx must be numbers") from None
            if not mx > 0 or not np.isfinite(mx):
                raise bad_value(file, f"line {line}.mx", row["mx"], "应为正数", "must be positive")
            columns.setdefault(sex, {})[age] = mx
    out: dict[str, list[float]] = {}
    for sex in SEXES:
        series = columns.get(sex if with_sex else "*")
        if not series:
            raise bad_value(path, key, str(file), f"缺少性别 {sex} 的 mx", f"no mx for sex {sex}")
        if sorted(series) != list(range(len(series))):
            raise bad_value(
                file, "age", sorted(series)[:5], "应为 0 起的连续单岁组", "ages must be single years from 0"
            )
        out[sex] = [series[a] for a in range(len(series))]
    return out


def _variants(f: Fields, value: Any) -> list[Variant]:
    if value is None:
        return [MEDIUM]
    if not isinstance(value, dict) or not value:
        raise bad_value(f.path, "variants", value, "应为非空的方案映射", "must be a non-empty mapping of variants")
    out = []
    for name, spec in value.items():
        key = f"variants.{name}"
        given = f.mapping(key, spec if spec is not None else {}, VARIANT_KEYS)
        out.append(
            Variant(
                name=str(name),
                tfr_shift=f.number(f"{key}.tfr_shift", given.get("tfr_shift", 0.0)),
                e0_shift=f.number(f"{key}.e0_shift", given.get("e0_shift", 0.0)),
                migration_factor=f.number(f"{key}.migration_factor", given.get("migration_factor", 1.0), minimum=0),
                migration_shift=f.number(f"{key}.migration_shift", given.get("migration_shift", 0.0)),
                ramp_steps=f.integer(f"{key}.ramp_steps", given.get("ramp_steps", 1), minimum=1),
            )
        )
    return out


def _process(f: Fields, key: str, value: Any) -> tuple[Process, str]:
    spec = f.mapping(key, value, PROCESS_KEYS, ("model", "sigma"))
    model = f.choice(f"{key}.model", spec["model"], ("ar1", "random_walk"))
    sigma = f.number(f"{key}.sigma", spec["sigma"], minimum=0.0)
    rho = f.number(f"{key}.rho", spec.get("rho", 0.0), minimum=-1.0, maximum=1.0)
    drift = f.number(f"{key}.drift", spec.get("drift", 0.0))
    scale = f.choice(f"{key}.scale", spec.get("scale", "relative"), ("relative", "absolute"))
    return Process(model=model, sigma=sigma, rho=rho, drift=drift), scale


def _stochastic(f: Fields, value: Any) -> StochasticSettings:
    spec = f.mapping(
        "stochastic", value, ("trajectories", "seed", "correlation", "tfr", "e0", "migration"), ("trajectories", "seed")
    )
    tfr = _process(f, "stochastic.tfr", spec["tfr"])[0] if "tfr" in spec else None
    e0 = _process(f, "stochastic.e0", spec["e0"])[0] if "e0" in spec else None
    migration, scale = (
        _process(f, "stochastic.migration", spec["migration"]) if "migration" in spec else (None, "relative")
    )
    return StochasticSettings(
        trajectories=f.integer("stochastic.trajectories", spec["trajectories"], minimum=2),
        seed=f.integer("stochastic.seed", spec["seed"], minimum=0),
        correlation=f.choice("stochastic.correlation", spec.get("correlation", "common"), ("common", "independent")),
        tfr=tfr,
        e0=e0,
        migration=migration,
        migration_scale=scale,
    )
