"""YAML with line numbers: the parsed data plus where each key and item sits in the file.

PyYAML's ``safe_load`` forgets positions, so the file is also composed into nodes, whose marks give the line of
every mapping key and sequence item. Duplicate keys, which ``safe_load`` silently collapses, are reported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlProblem:
    """A problem at a 1-based line of the YAML text."""

    line: int
    zh: str
    en: str


class YamlSyntaxError(Exception):
    """The text is not valid YAML, or a mapping repeats a key."""

    def __init__(self, problem: YamlProblem) -> None:
        super().__init__(problem.en)
        self.problem = problem


@dataclass(frozen=True)
class MarkedYaml:
    """Parsed YAML data and the 1-based line of each path (tuple of mapping keys and sequence indexes)."""

    data: Any
    lines: dict[Path_, int]

    def line_of(self, path: Sequence[str | int]) -> int:
        """The line of the deepest known prefix of ``path`` (elements the YAML does not have are skipped).

        Validation paths may contain extra elements (a union's tag, say), so unknown elements are skipped rather
        than ending the walk; the result is the line of the most specific key found, or 1 for the document.
        """
        found = 1
        current: Path_ = ()
        for element in path:
            candidate = (*current, element)
            if candidate in self.lines:
                current = candidate
                found = self.lines[candidate]
        return found


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise YamlSyntaxError(
                    YamlProblem(
                        line,
                        f"键 {key} 重复（第一次在第 {seen[key]} 行）",
                        f"key {key} is repeated (first at line {seen[key]})",
                    )
                )
            seen[key] = line
            lines[(*path, key)] = line
            _walk(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _walk(item, (*path, index), lines)


def load_marked(text: str) -> MarkedYaml:
    """Parse YAML text; raise :class:`YamlSyntaxError` with the line for bad syntax or a repeated key."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = str(getattr(error, "problem", None) or error).strip()
        raise YamlSyntaxError(YamlProblem(line, f"不是有效的 YAML：{problem}", f"not valid YAML: {problem}")) from None
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return MarkedYaml(data=data, lines=lines)
