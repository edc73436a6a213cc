"""Loading a projection YAML file with one-line bilingual errors naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from renkou.errors import UserError


def load_yaml_mapping(path: Path) -> dict[str, Any]:
    """Parse ``path`` as YAML whose top level is a mapping; unreadable or malformed files become a UserError."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise UserError(f"无法读取文件 {path}：{error.strerror}", f"cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError:
        raise UserError(f"文件 {path} 不是 UTF-8 编码", f"{path} is not UTF-8 encoded") from None
    try:
        # The C loader (when PyYAML was built with libyaml) reads long rate lists several times faster.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(text, Loader=loader)  # a safe loader either way
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f"{mark.line + 1}" if mark is not None else "?"
        raise UserError(
            f"文件 {path} 第 {line} 行不是有效的 YAML", f"{path} is not valid YAML at line {line}"
        ) from error
    if not isinstance(data, dict):
        raise UserError(f"文件 {path} 的顶层应为键值映射", f"{path}: the top level must be a mapping of keys")
    return data
