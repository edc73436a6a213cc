"""YAML read with the line number of every mapping key, so errors can name the line of a wrong value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from renkou.errors import UserError


class LineDict(dict[str, Any]):
    """A mapping from a YAML file that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line of ``key`` in the file, or the mapping's own line when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence from a YAML file that knows its line and the line of each item."""

    line: int = 0
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    """A safe loader whose mappings and sequences carry line numbers."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[str(key)] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load_yaml(path: Path) -> Any:
    """Read a YAML file with line numbers; a missing or unreadable file is a :class:`UserError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"找不到文件 {path}", f"file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"无法读取文件 {path}：{error}", f"cannot read {path}: {error}") from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise UserError(f"{where}：YAML 格式错误（{problem}）", f"{where}: malformed YAML ({problem})") from None


class Where:
    """Builds bilingual errors that name the file and line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, line: int, zh: str, en: str) -> UserError:
        """A :class:`UserError` located at ``line`` of the file."""
        return UserError(f"{self.path}:{line}：{zh}", f"{self.path}:{line}: {en}")

    def unknown_keys(self, mapping: LineDict, allowed: set[str], what: str) -> None:
        """Refuse a key that is not in ``allowed``, naming it and the allowed ones."""
        for key in mapping:
            if key not in allowed:
                names = ", ".join(sorted(allowed))
                raise self.fail(
                    mapping.line_of(key),
                    f"{what}中的未知键 {key!r}（允许：{names}）",
                    f"unknown key {key!r} in {what} (allowed: {names})",
                )
