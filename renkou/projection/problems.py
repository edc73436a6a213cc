"""One-line bilingual errors for projection input files, naming the file, the key and the value."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from renkou.errors import UserError


def shown(value: Any, limit: int = 60) -> str:
    """A short printable form of a bad value (long lists are cut so the message stays one line)."""
    text = repr(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def bad_value(path: Path | str, key: str, value: Any, zh: str, en: str) -> UserError:
    """An error for ``key`` in ``path`` holding ``value``, with the reason in Chinese and English."""
    return UserError(
        f"文件 {path} 的键 {key} 取值 {shown(value)} 无效：{zh}",
        f"{path}: key {key} has invalid value {shown(value)}: {en}",
        code="projection_input",
    )


def missing_key(path: Path | str, key: str) -> UserError:
    """An error for a required key that is absent."""
    return UserError(f"文件 {path} 缺少键 {key}", f"{path}: key {key} is missing", code="projection_input")


def as_number(path: Path | str, key: str, value: Any, *, allow_inf: bool = False) -> float:
    """``value`` as a float, or an error: booleans, text and NaN are refused; infinity only when allowed."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad_value(path, key, value, "应为数值", "expected a number")
    number = float(value)
    if math.isnan(number) or (math.isinf(number) and not allow_inf):
        raise bad_value(path, key, value, "应为有限数值", "expected a finite number")
    return number


def as_int(path: Path | str, key: str, value: Any) -> int:
    """``value`` as an integer, or an error."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_value(path, key, value, "应为整数", "expected an integer")
    return value
