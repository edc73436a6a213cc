"""Loading a rule file: YAML with line numbers, schema validation, consistency checks.

Every problem is reported with the file and line: a schema error at the key it is about (an unknown key at that
key), a consistency problem at the item it names. ``--rules`` also accepts the name of a shipped rule set
(``renkou/points/rules/<name>.yaml``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from renkou.errors import UserError
from renkou.points.consistency import check_rules
from renkou.points.schema import RuleFile
from renkou.points.yamlmarks import MarkedYaml, YamlSyntaxError, load_marked

SHIPPED_DIR = Path(__file__).parent / "rules"


@dataclass(frozen=True)
class RuleProblem:
    """One problem of a rule file, at a 1-based line."""

    line: int
    zh: str
    en: str

    def text(self, path: Path | str) -> str:
        """``file:line`` and the bilingual reason, for one line of output."""
        return f"{path}:{self.line}: {self.zh} / {self.en}"


class RulesError(UserError):
    """A rule file that cannot be used; ``problems`` lists all that were found, the message names the first."""

    def __init__(self, path: Path | str, problems: list[RuleProblem]) -> None:
        first = problems[0]
        more_zh = f"（另有 {len(problems) - 1} 处问题）" if len(problems) > 1 else ""
        more_en = f" ({len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(
            f"规则文件 {path} 第 {first.line} 行：{first.zh}{more_zh}",
            f"rules file {path} line {first.line}: {first.en}{more_en}",
            code="rules",
        )
        self.path = path
        self.problems = problems


@dataclass(frozen=True)
class RuleSet:
    """A validated rule set, where it came from and the SHA-256 of its text (recorded with every score)."""

    rules: RuleFile
    path: Path
    sha256: str

    @property
    def label(self) -> str:
        """``id`` and revision, e.g. ``beijing-2016 r1``."""
        return f"{self.rules.id} r{self.rules.revision}"


def shipped_rule_sets() -> list[str]:
    """Names of the rule sets shipped with renkou."""
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.yaml"))


def resolve_rules_path(text: str | Path) -> Path:
    """A path as given, or the shipped rule set of that name."""
    path = Path(text)
    if path.exists():
        return path
    shipped = SHIPPED_DIR / f"{text}.yaml"
    if not path.suffix and shipped.exists():
        return shipped
    raise UserError(
        f"找不到规则文件 {text}（内置规则：{', '.join(shipped_rule_sets())}）",
        f"rules file {text} not found (shipped rule sets: {', '.join(shipped_rule_sets())})",
        code="rules",
    )


def _schema_problems(error: ValidationError, marked: MarkedYaml) -> list[RuleProblem]:
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        key = ".".join(str(part) for part in loc) or "(top)"
        line = marked.line_of(loc)
        kind = item["type"]
        if kind == "extra_forbidden":
            zh, en = f"未知的键 {key}", f"unknown key {key}"
        elif kind == "missing":
            zh, en = f"缺少键 {key}", f"missing key {key}"
        else:
            shown = repr(item.get("input"))
            if len(shown) > 60:
                shown = shown[:57] + "..."
            zh, en = f"键 {key} 的值 {shown} 无效：{item['msg']}", f"key {key} has invalid value {shown}: {item['msg']}"
        problems.append(RuleProblem(line, zh, en))
    # One wrong union member yields one error per alternative; keep the first per line and key.
    unique: dict[tuple[int, str], RuleProblem] = {}
    for problem in problems:
        unique.setdefault((problem.line, problem.en.split(" has invalid value")[0]), problem)
    return sorted(unique.values(), key=lambda p: p.line)


def parse_rules(text: str, path: Path | str = "<rules>") -> RuleFile:
    """Validate rule-file text; raise :class:`RulesError` listing every problem with its line."""
    try:
        marked = load_marked(text)
    except YamlSyntaxError as error:
        raise RulesError(path, [RuleProblem(error.problem.line, error.problem.zh, error.problem.en)]) from None
    if not isinstance(marked.data, dict):
        raise RulesError(path, [RuleProblem(1, "顶层应为键值映射", "the top level must be a mapping of keys")])
    try:
        rules = RuleFile.model_validate(marked.data)
    except ValidationError as error:
        raise RulesError(path, _schema_problems(error, marked)) from None
    problems = [RuleProblem(marked.line_of(p.path), p.zh, p.en) for p in check_rules(rules)]
    if problems:
        raise RulesError(path, sorted(problems, key=lambda p: p.line))
    return rules


def load_rules(source: str | Path) -> RuleSet:
    """Load and validate a rule file (a path, or the name of a shipped rule set)."""
    path = resolve_rules_path(source)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as error:
        raise UserError(
            f"无法读取规则文件 {path}：{error.strerror}",
            f"cannot read rules file {path}: {error.strerror}",
            code="rules",
        ) from None
    except UnicodeDecodeError:
        raise UserError(f"规则文件 {path} 不是 UTF-8 编码", f"rules file {path} is not UTF-8", code="rules") from None
    rules = parse_rules(text, path)
    return RuleSet(rules=rules, path=path, sha256=hashlib.sha256(raw).hexdigest())
