"""Reading the part's YAML rule files with messages that name the file, the key and the bad value."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from renkou.disclosure.text import DisclosureError

ModelT = TypeVar("ModelT", bound=BaseModel)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; unreadable or malformed files become a bilingual error naming the file."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DisclosureError(
            f"无法读取文件 {path}：{error.strerror}", f"cannot read {path}: {error.strerror}", code="file"
        ) from error
    except UnicodeDecodeError as error:
        raise DisclosureError(f"文件 {path} 不是 UTF-8 编码", f"{path} is not UTF-8 encoded", code="file") from error
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        where_en = f" at line {mark.line + 1}" if mark is not None else ""
        raise DisclosureError(
            f"文件 {path} {where}不是有效的 YAML", f"{path} is not valid YAML{where_en}", code="file"
        ) from error


def validate(model: type[ModelT], data: Any, path: Path) -> ModelT:
    """Validate parsed YAML against a pydantic model; the first problem becomes a one-line bilingual error."""
    if not isinstance(data, dict):
        raise DisclosureError(
            f"文件 {path} 的顶层应为键值映射", f"{path}: the top level must be a mapping of keys", code="file"
        )
    try:
        return model.model_validate(data)
    except ValidationError as error:
        errors = error.errors()
        # An unknown key is usually a misspelt one, and it also makes the real key look missing: report it first.
        first = next((item for item in errors if item["type"] == "extra_forbidden"), errors[0])
        key = ".".join(str(part) for part in first["loc"]) or "(top)"
        if first["type"] == "extra_forbidden":
            zh, en = f"未知的键 {key}（拼写错误？）", f"unknown key {key} (misspelt?)"
        elif first["type"] == "missing":
            zh, en = f"缺少键 {key}", f"missing key {key}"
        else:
            value = first.get("input")
            zh = f"键 {key} 取值 {value!r} 无效：{first['msg']}"
            en = f"key {key} has invalid value {value!r}: {first['msg']}"
        raise DisclosureError(f"文件 {path}：{zh}", f"{path}: {en}", code="file") from error
