"""Reading typed fields out of parsed YAML with one-line errors that name the file, the key and the value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from renkou.projection.inputs import FloatArray
from renkou.projection.problems import as_int, as_number, bad_value, missing_key


class Fields:
    """Validating accessors bound to one file; ``key`` arguments are dotted paths inside the file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def mapping(self, key: str, value: Any, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict[str, Any]:
        """A mapping with only ``allowed`` keys and every ``required`` one."""
        if not isinstance(value, dict):
            raise bad_value(self.path, key, value, "应为键值映射", "must be a mapping")
        for name in value:
            if str(name) not in allowed:
                raise bad_value(
                    self.path,
                    f"{key}.{name}",
                    value[name],
                    "未知的键",
                    f"unknown key (expected one of {', '.join(allowed)})",
                )
        for name in required:
            if name not in value:
                raise missing_key(self.path, f"{key}.{name}")
        return {str(name): item for name, item in value.items()}

    def number(
        self,
        key: str,
        value: Any,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        positive: bool = False,
    ) -> float:
        """A finite number, optionally bounded (``positive``: strictly above zero)."""
        number = as_number(self.path, key, value)
        if positive and number <= 0:
            raise bad_value(self.path, key, value, "应为正数", "must be positive")
        if minimum is not None and number < minimum:
            raise bad_value(self.path, key, value, f"不能小于 {minimum:g}", f"must not be below {minimum:g}")
        if maximum is not None and number > maximum:
            raise bad_value(self.path, key, value, f"不能大于 {maximum:g}", f"must not exceed {maximum:g}")
        return number

    def integer(self, key: str, value: Any, *, minimum: int | None = None) -> int:
        number = as_int(self.path, key, value)
        if minimum is not None and number < minimum:
            raise bad_value(self.path, key, value, f"不能小于 {minimum}", f"must be at least {minimum}")
        return number

    def choice(self, key: str, value: Any, options: tuple[str, ...]) -> str:
        if value not in options:
            raise bad_value(
                self.path, key, value, f"应为 {' / '.join(options)}", f"must be one of {', '.join(options)}"
            )
        return str(value)

    def per_step(
        self,
        key: str,
        value: Any,
        steps: int,
        *,
        minimum: float | None = None,
        positive: bool = False,
        what_zh: str = "路径",
        what_en: str = "path",
    ) -> FloatArray:
        """A number held constant, or a list with at least one number per step (a longer tail is unused)."""
        if isinstance(value, list):
            if len(value) < steps:
                raise bad_value(
                    self.path,
                    key,
                    f"{len(value)} entries",
                    f"{what_zh}短于预测期（steps = {steps}）",
                    f"{what_en} shorter than the horizon (steps = {steps})",
                )
            items = [
                self.number(f"{key}[{i}]", v, minimum=minimum, positive=positive) for i, v in enumerate(value[:steps])
            ]
            return np.array(items, dtype=np.float64)
        return np.full(steps, self.number(key, value, minimum=minimum, positive=positive))

    def rates(self, key: str, value: Any, ages: list[int], *, allow_negative: bool = False) -> FloatArray:
        """One value per age group, as a list of that length or a mapping ``{age: value}`` (others zero)."""
        out = np.zeros(len(ages))
        if isinstance(value, dict):
            for age, item in value.items():
                if isinstance(age, bool) or not isinstance(age, int) or age not in ages:
                    raise bad_value(
                        self.path,
                        f"{key}.{age}",
                        item,
                        "年龄不是年龄组的下限",
                        "the age is not the lower bound of an age group",
                    )
                out[ages.index(age)] = self.number(f"{key}.{age}", item, minimum=None if allow_negative else 0.0)
            return out
        if not isinstance(value, list) or len(value) != len(ages):
            raise bad_value(
                self.path,
                key,
                value if not isinstance(value, list) else f"{len(value)} values",
                f"应为长度 {len(ages)} 的列表或 {{年龄: 值}} 映射",
                f"must be a list of {len(ages)} values or a mapping {{age: value}}",
            )
        for i, item in enumerate(value):
            out[i] = self.number(f"{key}[{i}]", item, minimum=None if allow_negative else 0.0)
        return out
