"""Loading the fee schedule YAML (``data/fees.yaml`` by default) into a :class:`~renkou.disclosure.fees.FeeSchedule`."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from renkou.disclosure.fees import Band, BandStep, FeeSchedule, Tariff
from renkou.disclosure.text import Text
from renkou.disclosure.yamlio import read_yaml, validate

DEFAULT_FEES = Path(__file__).parent / "data" / "fees.yaml"


class _Unit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    zh: str
    en: str


class _Band(BaseModel):
    model_config = ConfigDict(extra="forbid")
    up_to: int | None = Field(ge=1)
    rate: int = Field(ge=0)


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid")
    size: int = Field(ge=1)
    increase: int = Field(ge=0)


class _Tariff(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit: _Unit
    bands: list[_Band] = Field(min_length=1)
    step: _Step | None = None

    @model_validator(mode="after")
    def _check(self) -> _Tariff:
        limits = [band.up_to for band in self.bands]
        if None in limits[:-1]:
            raise ValueError("only the last band may have up_to: null / 仅最后一档可不设上限")
        bounded = [limit for limit in limits if limit is not None]
        if bounded != sorted(set(bounded)):
            raise ValueError(f"band limits {bounded} must increase / 各档上限应递增")
        if self.step is not None and limits[-1] is None:
            raise ValueError("a step needs a bounded last band / 设置递增档时最后一档须有上限")
        return self


class _Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(min_length=1)
    count: _Tariff
    pages: _Tariff
    payment_working_days: int = Field(ge=1, le=60)
    fee_time_excluded: bool
    payment_method: str = Field(min_length=1)
    notice_template: str = Field(min_length=1)


def _tariff(model: _Tariff) -> Tariff:
    step = BandStep(model.step.size, model.step.increase) if model.step else None
    return Tariff(Text(model.unit.zh, model.unit.en), tuple(Band(b.up_to, b.rate) for b in model.bands), step)


def load_fee_schedule(path: Path | None = None) -> FeeSchedule:
    """Read and validate a fee schedule file (the shipped one by default)."""
    path = path or DEFAULT_FEES
    model = validate(_Schedule, read_yaml(path), path)
    return FeeSchedule(
        source=f"{model.source} ({path.name})",
        count=_tariff(model.count),
        pages=_tariff(model.pages),
        payment_working_days=model.payment_working_days,
        fee_time_excluded=model.fee_time_excluded,
        notice_template=model.notice_template,
        payment_method=model.payment_method,
    )
