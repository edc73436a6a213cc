"""The calibration file of a synthetic city: published figures and modelling assumptions, validated on load."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from renkou.errors import UserError

CITIES = {"hangzhou-2020": "hangzhou_2020_targets.yaml"}
YEARS = (2016, 2017, 2018, 2019, 2020)
GROUPS = ("core", "new", "west")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class District(_Strict):
    """A district of the city with its published 60+ registered population of 2020."""

    code: str = Field(pattern=r"^\d{6}$")
    name: str
    group: str
    aged_60_plus: int = Field(gt=0)
    share_60_plus: float = Field(gt=0, lt=1)


class Published(_Strict):
    """Figures copied from the plan (see the YAML file for the source)."""

    source: str
    registered_by_year: dict[int, int]
    resident_2020: int
    floating_2020: int
    floating_2015: int
    districts: list[District]
    resident_share_by_group: dict[str, float]
    resident_share_60_plus: float
    resident_share_65_plus: float
    resident_share_15_59: float = Field(gt=0, lt=1)
    registered_share_18_59: float = Field(gt=0, lt=1)
    registered_crude_birth_rate_2020: float
    registered_natural_increase_2020: float
    total_fertility_rate_2020: float
    sex_ratio_at_birth_2020: float
    life_expectancy_2020: float
    life_expectancy_2015: float
    registered_crude_birth_rate_2017: float
    resident_urbanization_2020: float

    @model_validator(mode="after")
    def _complete(self) -> Published:
        missing = [y for y in (2015, *YEARS) if y not in self.registered_by_year]
        if missing:
            raise ValueError(f"registered_by_year lacks {missing}")
        if set(self.resident_share_by_group) != set(GROUPS):
            raise ValueError(f"resident_share_by_group must have exactly {GROUPS}")
        for district in self.districts:
            if district.group not in GROUPS:
                raise ValueError(f"district {district.code} has unknown group {district.group!r}")
        return self


class Mortality(_Strict):
    """Siler hazard parameters (the senescent level is solved, not given)."""

    a1: float = Field(gt=0)
    b1: float = Field(gt=0)
    a2: float = Field(ge=0)
    b3: float = Field(gt=0)
    female_senescent_ratio: float = Field(gt=0)
    male_infant_ratio: float = Field(gt=0)


class Fertility(_Strict):
    """Hadwiger age pattern of fertility."""

    mean_age: float = Field(gt=15, lt=45)
    hadwiger_h: float = Field(gt=0)
    min_age: int = Field(ge=10)
    max_age: int = Field(le=55)


class Migration(_Strict):
    """Hukou migration assumptions."""

    out_rate: float = Field(ge=0, lt=0.1)
    peak_age: float = Field(gt=10, lt=40)
    in_from_floating: float = Field(ge=0, le=1)
    transfer_share: float = Field(ge=0, le=0.5)
    born_in_city: float = Field(ge=0, le=1)


class Away(_Strict):
    """Registered persons living outside the city."""

    age_weights: list[float] = Field(min_length=6, max_length=6)


class Floating(_Strict):
    """Floating-population assumptions."""

    arrival_share: dict[str, float]
    born_here_share: float = Field(ge=0, le=1)
    leavers_per_stayer_2016_2020: float = Field(ge=0)
    age_shape_5y_under_60: list[float] = Field(min_length=12, max_length=12)
    sex_ratio: float = Field(gt=0)
    permit_share: float = Field(ge=0, le=1)
    renewal_share: float = Field(ge=0, le=1)
    mover_share: float = Field(ge=0, le=1)
    origin_province_share: dict[str, float]

    @model_validator(mode="after")
    def _classes(self) -> Floating:
        expected = ["pre2016", "2016", "2017", "2018", "2019", "2020H1", "2020H2"]
        if list(self.arrival_share) != expected:
            raise ValueError(f"arrival_share must have the keys {expected} in this order")
        if abs(sum(self.arrival_share.values()) - 1) > 1e-9:
            raise ValueError("arrival_share must sum to 1")
        return self


class Urbanization(_Strict):
    """Urban shares by district before calibration."""

    base_urban_share: dict[str, float]
    floating_logit_bonus: float


class Assumptions(_Strict):
    """Modelling choices where the plan is silent."""

    registered_crude_birth_rate: dict[int, float]
    age_shape_5y: list[float] = Field(min_length=21, max_length=21)
    sex_ratio_5y: list[float] = Field(min_length=21, max_length=21)
    mortality: Mortality
    fertility: Fertility
    migration: Migration
    away: Away
    floating: Floating
    urbanization: Urbanization
    away_regions: list[str]


class CityTargets(_Strict):
    """Everything that calibrates one synthetic city."""

    city: str
    region_code: str
    base_date: str
    end_date: str
    published: Published
    assumptions: Assumptions

    @model_validator(mode="after")
    def _consistent(self) -> CityTargets:
        codes = [d.code for d in self.published.districts]
        if set(self.assumptions.urbanization.base_urban_share) != set(codes):
            raise ValueError("urbanization.base_urban_share must name exactly the districts")
        rates = self.assumptions.registered_crude_birth_rate
        if {*rates, 2017, 2020} != set(YEARS):
            raise ValueError("registered_crude_birth_rate must give 2016, 2018 and 2019")
        return self

    def crude_birth_rate(self, year: int) -> float:
        """Registered crude birth rate of ``year`` (per mille): published where known, else assumed."""
        if year == 2020:
            return self.published.registered_crude_birth_rate_2020
        if year == 2017:
            return self.published.registered_crude_birth_rate_2017
        return self.assumptions.registered_crude_birth_rate[year]


def load_targets(path: Path) -> CityTargets:
    """Read and validate a calibration file; a bad file raises :class:`UserError` naming the key."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise UserError(
            f"无法读取校准文件 {path}：{error}", f"cannot read the calibration file {path}: {error}"
        ) from None
    try:
        return CityTargets.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(top)"
        raise UserError(
            f"校准文件 {path.name} 中“{key}”无效：{first['msg']}",
            f"calibration file {path.name}: key '{key}' is invalid: {first['msg']}",
        ) from None


@cache
def city_targets(city: str) -> CityTargets:
    """The packaged calibration of ``city`` (e.g. ``hangzhou-2020``)."""
    if city not in CITIES:
        raise UserError(
            f"未知的城市“{city}”（可选：{'、'.join(CITIES)}）",
            f"unknown city '{city}' (one of: {', '.join(CITIES)})",
        )
    with resources.as_file(resources.files("renkou.synth.data") / CITIES[city]) as path:
        return load_targets(path)
