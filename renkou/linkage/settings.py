"""Linkage settings as data: thresholds, blocking keys and training options, read from a YAML file."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from renkou.errors import UserError

# Columns of the comparison records (see renkou.linkage.features) that blocking rules may use.
BLOCKING_COLUMNS = frozenset(
    {
        "id_ab",
        "id_bc",
        "id_a_year_c",
        "id_a_md_c",
        "id_swap_ab",
        "id_swap_ym",
        "id_swap_bc",
        "birth_date",
        "name_s",
        "name_py",
        "surname_py",
        "sex",
        "region",
        "id_div",
    }
)


class LinkSettings(BaseModel):
    """Everything that decides how records are linked; defaults are the tested configuration."""

    model_config = ConfigDict(extra="forbid")

    upper_threshold: float = Field(
        default=0.99, gt=0, lt=1, description="match probability from which a pair is auto-linked"
    )
    lower_threshold: float = Field(
        default=0.5, gt=0, lt=1, description="match probability from which a pair goes to review"
    )
    margin_bits: float = Field(
        default=10.0, ge=0, description="match weight by which the best person must beat the next to be auto-linked"
    )
    # Each rule is a list of columns that must be equal; rules are OR-ed (Splink removes the overlaps).
    # The ID keys shared across districts (B+C) or spanning a district's year (or month-day) are narrowed by the
    # surname's pinyin, which a traditional or homophone spelling keeps: at 12 million persons they made ~10-70
    # pairs per record each alone.
    blocking_rules: list[list[str]] = [
        ["id_ab"],
        ["id_bc", "surname_py"],
        ["id_a_year_c", "surname_py"],
        ["id_a_md_c", "surname_py"],
        ["id_swap_ab"],
        ["id_swap_ym"],
        ["id_swap_bc"],
        ["birth_date", "surname_py"],
    ]
    # EM sees every pair of its blocking rule, so these must be as tight as the prediction rules.
    training_blocking_rules: list[list[str]] = [["id_ab"], ["birth_date", "surname_py"], ["name_py", "region"]]
    max_training_records: int = Field(
        default=100_000, ge=100, description="file rows EM trains on (a random sample when the file is larger)"
    )
    max_pairs_for_u: float = Field(default=1e6, gt=0, description="random pairs sampled to estimate u probabilities")
    max_iterations: int = Field(default=100, ge=1, le=1000)
    em_convergence: float = Field(default=1e-4, gt=0)
    # A block may not be larger than this many pairs per left record on average (guards against exploding blocks).
    max_pairs_per_record: float = Field(default=2000, gt=0)

    # DuckDB's memory for blocking and scoring; beyond it, DuckDB spills to a temporary folder (bounded memory).
    memory_limit: str = Field(
        default="4GB", pattern=r"^\d+(\.\d+)?\s*(MB|GB|MiB|GiB)$", description="memory limit of the model's DuckDB"
    )

    @model_validator(mode="after")
    def _check(self) -> LinkSettings:
        if self.lower_threshold > self.upper_threshold:
            raise ValueError("lower_threshold must not exceed upper_threshold")
        for rule in self.blocking_rules + self.training_blocking_rules:
            unknown = [column for column in rule if column not in BLOCKING_COLUMNS]
            if not rule or unknown:
                raise ValueError(
                    f"blocking rule {rule} uses unknown columns {unknown} (known: {sorted(BLOCKING_COLUMNS)})"
                )
        return self


def load_settings(path: Path | None) -> LinkSettings:
    """Settings from a YAML file (missing keys keep their defaults); ``None`` gives the defaults."""
    if path is None:
        return LinkSettings()
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise UserError(f"无法读取设置文件 {path}：{error}", f"cannot read settings file {path}: {error}") from None
    except yaml.YAMLError as error:
        raise UserError(
            f"设置文件 {path} 不是有效的 YAML：{error}", f"settings file {path} is not valid YAML: {error}"
        ) from None
    if not isinstance(data, dict):
        raise UserError(f"设置文件 {path} 应为键值映射", f"settings file {path} must be a mapping of keys to values")
    try:
        return LinkSettings(**data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(root)'}={e.get('input')!r}: {e['msg']}" for e in error.errors()
        )
        raise UserError(f"设置文件 {path} 有误：{problems}", f"settings file {path} is invalid: {problems}") from None
