"""Reading the part's YAML data files with one-line bilingual errors that name the file, the key and the value."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from renkou.errors import UserError

ModelT = TypeVar("ModelT", bound=BaseModel)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; a missing, unreadable or malformed file becomes an error naming it."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"文件不存在：{path}", f"file not found: {path}", code="file") from None
    except OSError as error:
        raise UserError(f"无法读取文件 {path}：{error.strerror}", f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise UserError(f"文件 {path} 不是 UTF-8 编码", f"{path} is not UTF-8 encoded", code="file") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark is not None else ""
        line_en = f" at line {mark.line + 1}" if mark is not None else ""
        raise UserError(
            f"文件 {path} {line}不是有效的 YAML", f"{path} is not valid YAML{line_en}", code="file"
        ) from None


def validate(model: type[ModelT], data: Any, path: Path) -> ModelT:
    """Validate parsed YAML against a pydantic model; the first problem becomes the error, naming its key."""
    if not isinstance(data, dict):
        raise UserError(f"文件 {path} 的顶层应为键值映射", f"{path}: the top level must be a mapping", code="file")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = error.errors()
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
        raise UserError(f"文件 {path}：{zh}", f"{path}: {en}", code="file") from None
