"""Reading YAML data files (rules, holiday notices, tables) with one-line bilingual errors naming file, key and value.

Shared by the parts that ship rules as data; a part may pass its own subclass of UserError as ``error``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from renkou.errors import UserError

ModelT = TypeVar("ModelT", bound=BaseModel)


def read_yaml(path: Path, *, error: type[UserError] = UserError) -> Any:
    """Parse one YAML file; a missing, unreadable or malformed file becomes an error naming it."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"文件不存在：{path}", f"file not found: {path}", code="file") from None
    except OSError as problem:
        raise error(
            f"无法读取文件 {path}：{problem.strerror}", f"cannot read {path}: {problem.strerror}", code="file"
        ) from None
    except UnicodeDecodeError:
        raise error(f"文件 {path} 不是 UTF-8 编码", f"{path} is not UTF-8 encoded", code="file") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark is not None else ""
        line_en = f" at line {mark.line + 1}" if mark is not None else ""
        raise error(f"文件 {path} {line}不是有效的 YAML", f"{path} is not valid YAML{line_en}", code="file") from None


def validate(model: type[ModelT], data: Any, path: Path, *, error: type[UserError] = UserError) -> ModelT:
    """Validate parsed YAML against a pydantic model; the first problem becomes the error, naming its key."""
    if not isinstance(data, dict):
        raise error(f"文件 {path} 的顶层应为键值映射", f"{path}: the top level must be a mapping", code="file")
    try:
        return model.model_validate(data)
    except ValidationError as invalid:
        problems = invalid.errors()
        # A misspelt key also makes the real key look missing: report the unknown one first.
        first = next((item for item in problems if item["type"] == "extra_forbidden"), problems[0])
        key = ".".join(str(part) for part in first["loc"]) or "(top)"
        if first["type"] == "extra_forbidden":
            zh, en = f"未知的键 {key}（拼写错误？）", f"unknown key {key} (misspelt?)"
        elif first["type"] == "missing":
            zh, en = f"缺少键 {key}", f"missing key {key}"
        else:
            value = first.get("input")
            zh = f"键 {key} 的取值 {value!r} 无效：{first['msg']}"
            en = f"key {key} has an invalid value {value!r}: {first['msg']}"
        raise error(f"文件 {path}：{zh}", f"{path}: {en}", code="file") from None
