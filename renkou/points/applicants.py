"""Applicants' columns checked and typed into an :class:`EvidenceTable`; in-memory records as a provider.

The CSV file provider is :class:`renkou.points.csvfile.CsvApplicants`; both go through :func:`build_table`.

Columns: ``applicant_id`` (or 公民身份号码), optionally ``name`` (姓名), one column per input of the rule set (its
name or its Chinese label), optionally ``evidence_source`` for the whole row and ``<input>_source`` per value
(``self_declared``/自报, ``register``/登记, ``verified``/已核验; default self-declared). An empty cell takes the
input's default from the rule file; a missing column too (with a warning), when the input has one.

Bad data is not quarantined: the file is rejected with a one-line error naming the file, line, column and value
(and how many rows are wrong). A ranking must not go ahead without an applicant whose row could not be read, since
that applicant would lose a place they may be owed; the officer fixes the row and runs the ranking again.
Conversion is vectorised with pyarrow; per-value Python work happens only over distinct values or on the error path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from renkou.errors import UserError
from renkou.points.evidence import REGISTER, SELF_DECLARED, VERIFIED, EvidenceTable
from renkou.points.schema import DefaultBy, InputSpec, RuleFile

if TYPE_CHECKING:
    import pyarrow as pa

ID_COLUMNS = ("applicant_id", "公民身份号码", "身份证号")
NAME_COLUMNS = ("name", "姓名")
SOURCE_COLUMNS = ("evidence_source", "证据来源")

FLAG_WORDS = {
    **dict.fromkeys(("1", "true", "t", "yes", "y", "是", "有"), True),
    **dict.fromkeys(("0", "false", "f", "no", "n", "否", "无"), False),
}
SOURCE_WORDS = {
    **dict.fromkeys(("self_declared", "self", "自报", "申报"), SELF_DECLARED),
    **dict.fromkeys(("register", "registry", "登记", "登记库"), REGISTER),
    **dict.fromkeys(("verified", "已核验", "核验"), VERIFIED),
}


class ApplicantDataError(UserError):
    """A bad applicant file; the message names the file, line, column and value."""


@dataclass(frozen=True)
class _Cell:
    line: int
    column: str
    value: str


def _fail(origin: str, cell: _Cell, zh: str, en: str, count: int) -> ApplicantDataError:
    more_zh = f"（共 {count} 行有误）" if count > 1 else ""
    more_en = f" ({count} rows are wrong)" if count > 1 else ""
    return ApplicantDataError(
        f"文件 {origin} 第 {cell.line} 行 列 {cell.column} 的值“{cell.value}”{zh}{more_zh}",
        f"{origin} line {cell.line}, column {cell.column}: value '{cell.value}' {en}{more_en}",
        code="applicants",
    )


class NeedsText(Exception):
    """A typed (fast-path) column holds a bad value: re-read the file as text for an exact message."""


class _Columns:
    """The columns of one file, with line numbers and the name each column goes by.

    A column is text (``string``), or already typed by the CSV reader (``double`` for numbers, ``dictionary`` for
    levels, flags and sources: the fast path). Values are trimmed of surrounding white space. An error in a text
    column names the cell; an error in a typed column raises :class:`NeedsText`, since the reader may have
    changed the text, and the caller reads the file again as text to report it.
    """

    def __init__(self, columns: Mapping[str, pa.Array], origin: str, lines: np.ndarray) -> None:
        self.raw = dict(columns)
        self.origin = origin
        self.lines = lines
        self.used: set[str] = set()
        self._encoded: dict[str, tuple[list[str], np.ndarray]] = {}

    def find(self, *names: str) -> str | None:
        for name in names:
            if name in self.raw:
                self.used.add(name)
                return name
        return None

    def text(self, column: str) -> pa.Array:
        """The column as trimmed text (only for text columns)."""
        import pyarrow.compute as pc

        return pc.utf8_trim_whitespace(self.raw[column])

    def is_text(self, column: str) -> bool:
        import pyarrow as pa

        return bool(pa.types.is_string(self.raw[column].type))

    def error(self, column: str, bad: np.ndarray, zh: str, en: str) -> ApplicantDataError:
        if not self.is_text(column):
            raise NeedsText(column)
        rows = np.flatnonzero(bad)
        row = int(rows[0])
        cell = _Cell(int(self.lines[row]), column, str(self.text(column)[row].as_py()))
        return _fail(self.origin, cell, zh, en, len(rows))

    def encoded(self, column: str) -> tuple[list[str], np.ndarray]:
        """Distinct trimmed values and each row's index into them."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if column not in self._encoded:
            array = self.raw[column]
            if not pa.types.is_dictionary(array.type):
                array = pc.dictionary_encode(array)
            # Trimming the distinct values is enough: rows are mapped through them.
            distinct = [text.strip() for text in array.dictionary.to_pylist()]
            indices = np.asarray(array.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
            self._encoded[column] = (distinct, indices)
        return self._encoded[column]

    def empty(self, column: str) -> np.ndarray:
        """Which cells are empty (after trimming)."""
        import pyarrow as pa

        array = self.raw[column]
        if pa.types.is_floating(array.type):
            return np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        distinct, indices = self.encoded(column)
        blank = np.array([text == "" for text in distinct] or [False], dtype=bool)
        return blank[indices]

    def floats(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Numbers (NaN where empty or not a number) and which cells are empty."""
        import pyarrow as pa
        import pyarrow.compute as pc

        array = self.raw[column]
        empty = self.empty(column)
        if pa.types.is_floating(array.type):
            return np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.float64), empty
        text = self.text(column)
        nulled = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), text)
        try:
            return np.asarray(pc.cast(nulled, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64), empty
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            # Only on the error path: parse the distinct values one by one to find the bad ones.
            distinct, index = self.encoded(column)
            parsed = np.array([_parse_float(value) for value in distinct], dtype=np.float64)
            values = parsed[index]
            values[empty] = np.nan
            return values, empty


def _numbers(cols: _Columns, column: str, spec: InputSpec, name: str) -> tuple[np.ndarray, np.ndarray]:
    values, empty = cols.floats(column)
    bad = ~np.isfinite(values) & ~empty
    if bad.any():
        raise cols.error(column, bad, f"不是数字（输入 {name}）", f"is not a number (input {name})")
    present = ~empty
    if spec.type == "integer":
        bad = present & (values != np.floor(values))
        if bad.any():
            raise cols.error(column, bad, f"不是整数（输入 {name}）", f"is not a whole number (input {name})")
    if spec.min is not None:
        bad = present & (values < spec.min)
        if bad.any():
            raise cols.error(column, bad, f"小于允许的最小值 {spec.min:g}", f"is below the minimum {spec.min:g}")
    if spec.max is not None:
        bad = present & (values > spec.max)
        if bad.any():
            raise cols.error(column, bad, f"大于允许的最大值 {spec.max:g}", f"is above the maximum {spec.max:g}")
    return values, empty


def _parse_float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


def _level_lookup(spec: InputSpec) -> dict[str, int]:
    lookup: dict[str, int] = {}
    for index, (code, level) in enumerate((spec.levels or {}).items()):
        for word in (code, level.zh, *level.aliases):
            lookup[word.casefold()] = index
    return lookup


def _mapped(
    cols: _Columns, column: str, lookup: Mapping[str, object], zh: str, en: str
) -> tuple[list[object], np.ndarray, np.ndarray]:
    """Map each distinct value through ``lookup``; unknown non-empty values are an error."""
    distinct, index = cols.encoded(column)
    mapped = [lookup.get(text.casefold()) for text in distinct]
    unknown = np.array([m is None and text != "" for m, text in zip(mapped, distinct, strict=True)] or [False])
    if unknown.any():
        raise cols.error(column, unknown[index], zh, en)
    return mapped, index, cols.empty(column)


def _default_array(
    rules: RuleFile, name: str, spec: InputSpec, values: Mapping[str, np.ndarray], size: int
) -> np.ndarray | None:
    """The default of an input for every row (typed), or ``None`` when it has none."""
    default = spec.default
    if default is None:
        return None
    if isinstance(default, DefaultBy):
        by_spec = rules.inputs[default.by]
        lut = [_typed(spec, default.values[level]) for level in (by_spec.levels or {})]
        return np.asarray(lut)[values[default.by]]
    return np.full(size, _typed(spec, default))


def _typed(spec: InputSpec, value: object) -> object:
    if spec.type == "level":
        return list(spec.levels or {}).index(str(value))
    if spec.type == "flag":
        return bool(value)
    if spec.type in ("integer", "number"):
        return float(value)  # type: ignore[arg-type]
    return value


def _dtype(spec: InputSpec) -> type:
    return {"integer": np.float64, "number": np.float64, "flag": np.bool_, "level": np.int16, "text": np.int32}[
        spec.type
    ]


def _sources(cols: _Columns, size: int, names: Sequence[str]) -> dict[str, np.ndarray]:
    words = {k.casefold(): v for k, v in SOURCE_WORDS.items()}
    zh = "不是证据来源（self_declared/自报、register/登记、verified/已核验）"
    en = "is not an evidence source (self_declared, register, verified)"
    shared = np.full(size, SELF_DECLARED, dtype=np.uint8)
    column = cols.find(*SOURCE_COLUMNS)
    if column is not None:
        mapped, index, empty = _mapped(cols, column, words, zh, en)
        lut = np.array([SELF_DECLARED if m is None else m for m in mapped] or [0], dtype=np.uint8)
        shared = np.where(empty, SELF_DECLARED, lut[index]).astype(np.uint8)
    result = {}
    for name in names:
        own = cols.find(f"{name}_source")
        if own is None:
            result[name] = shared
            continue
        mapped, index, empty = _mapped(cols, own, words, zh, en)
        lut = np.array([SELF_DECLARED if m is None else m for m in mapped] or [0], dtype=np.uint8)
        result[name] = np.where(empty, shared, lut[index]).astype(np.uint8)
    return result


def build_table(rules: RuleFile, columns: Mapping[str, pa.Array], origin: str, lines: np.ndarray) -> EvidenceTable:
    """Typed evidence from the file's columns (text, or typed by the reader), validating every value.

    Raises :class:`NeedsText` when a column typed by the reader holds a bad value (see :class:`_Columns`).
    """
    import pyarrow as pa

    cols = _Columns(columns, origin, lines)
    size = len(lines)
    id_column = cols.find(*ID_COLUMNS)
    if id_column is None:
        raise ApplicantDataError(
            f"文件 {origin} 第 1 行：缺少列 applicant_id（公民身份号码）",
            f"{origin} line 1: column applicant_id (citizen ID) is missing",
            code="applicants",
        )
    ids = _ids(cols, id_column)
    name_column = cols.find(*NAME_COLUMNS)
    names = cols.raw[name_column] if name_column else pa.array([""] * size, pa.string())

    values: dict[str, np.ndarray] = {}
    categories: dict[str, tuple[str, ...]] = {}
    warnings: list[tuple[str, str]] = []
    # Inputs whose default depends on another input come after the inputs they depend on.
    order = sorted(rules.inputs, key=lambda n: isinstance(rules.inputs[n].default, DefaultBy))
    for name in order:
        spec = rules.inputs[name]
        column = cols.find(name, spec.zh)
        if column is None:
            default = _default_array(rules, name, spec, values, size)
            if default is None:
                raise ApplicantDataError(
                    f"文件 {origin} 第 1 行：缺少列 {name}（{spec.zh}）",
                    f"{origin} line 1: column {name} ({spec.en}) is missing",
                    code="applicants",
                )
            warnings.append(
                (f"缺少列 {name}，全部使用默认值", f"column {name} is missing; its default is used for everyone")
            )
            if spec.type == "text":
                categories[name] = (str(spec.default),)
                values[name] = np.zeros(size, dtype=np.int32)
            else:
                values[name] = default.astype(_dtype(spec))
            continue
        typed, empty, known = _convert(cols, column, name, spec)
        if known is not None:
            categories[name] = known
        if empty.any():
            default = _default_array(rules, name, spec, values, size)
            if default is None:
                raise cols.error(
                    column, empty, f"为空，且输入 {name} 没有默认值", f"is empty and input {name} has no default"
                )
            if known is not None:
                # Free text: the default becomes one more category.
                extra = str(spec.default)
                categories[name] = (*known, extra) if extra not in known else known
                default = np.full(size, categories[name].index(extra))
            typed = np.where(empty, default, typed)
        values[name] = np.asarray(typed, dtype=_dtype(spec))
    sources = _sources(cols, size, list(rules.inputs))
    ignored = [c for c in cols.raw if c not in cols.used]
    if ignored:
        warnings.append((f"未使用的列：{', '.join(ignored)}", f"columns not used by the rules: {', '.join(ignored)}"))
    return EvidenceTable(
        ids=ids,
        names=names,
        lines=lines,
        values=values,
        sources=sources,
        categories=categories,
        origin=origin,
        warnings=tuple(warnings),
    )


def _convert(
    cols: _Columns, column: str, name: str, spec: InputSpec
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...] | None]:
    """Typed values, which cells are empty, and for free text the distinct values (the codes' meaning)."""
    if spec.type in ("integer", "number"):
        values, empty = _numbers(cols, column, spec, name)
        return values, empty, None
    if spec.type == "flag":
        mapped, index, empty = _mapped(
            cols, column, FLAG_WORDS, f"不是是/否值（输入 {name}）", f"is not yes/no (input {name})"
        )
        lut = np.array([bool(m) for m in mapped] or [False], dtype=bool)
        return lut[index], empty, None
    if spec.type == "level":
        known = "、".join(level.zh for level in (spec.levels or {}).values())
        codes = ", ".join(spec.levels or {})
        mapped, index, empty = _mapped(
            cols,
            column,
            _level_lookup(spec),
            f"不是已知等级（可用：{known}）",
            f"is not a known level (known: {codes})",
        )
        lut = np.array([-1 if m is None else m for m in mapped] or [0], dtype=np.int16)
        return lut[index], empty, None
    distinct, index = cols.encoded(column)
    return index.astype(np.int32), cols.empty(column), tuple(distinct)


def _ids(cols: _Columns, column: str) -> pa.Array:
    """The applicant IDs, trimmed, none empty, none repeated."""
    import pyarrow.compute as pc

    from renkou.points.masking import id_bytes

    raw = cols.raw[column]
    matrix = id_bytes(raw)
    if matrix is not None:
        # All normalised 18-character numbers (the usual case): nothing to trim, and a repeat shows as a repeated
        # integer key (17 digits, then the check character's position in "0123456789X").
        key = np.zeros(len(matrix), dtype=np.int64)
        for position in range(17):  # column by column: no (n, 17) int64 temporary
            key *= 10
            key += matrix[:, position]
            key -= ord("0")
        check = np.where(matrix[:, 17] == ord("X"), 10, matrix[:, 17].astype(np.int64) - ord("0"))
        keys = np.sort(key * 11 + check)
        if not (keys[1:] == keys[:-1]).any():
            return raw
        _report_repeat(cols, column, raw)
    ids = cols.text(column)
    blank = np.asarray(pc.equal(pc.utf8_length(ids), 0).to_numpy(zero_copy_only=False), dtype=bool)
    if blank.any():
        raise cols.error(column, blank, "为空：每位申请人须有身份号码", "is empty: every applicant needs an ID number")
    if len(pc.unique(ids)) != len(ids):
        _report_repeat(cols, column, ids)
    return ids


def _report_repeat(cols: _Columns, column: str, ids: pa.Array) -> None:
    """Raise the error for the first repeated ID (on the error path only: a Python loop)."""
    from renkou.points.masking import mask_id

    first: dict[str, int] = {}
    for row, value in enumerate(ids.to_pylist()):
        value = value.strip()
        if value in first:
            raise ApplicantDataError(
                f"文件 {cols.origin} 第 {cols.lines[row]} 行 列 {column}：申请人 {mask_id(value)} 与第 "
                f"{cols.lines[first[value]]} 行重复",
                f"{cols.origin} line {cols.lines[row]}, column {column}: applicant {mask_id(value)} repeats line "
                f"{cols.lines[first[value]]}",
                code="applicants",
            )
        first[value] = row


class RecordApplicants:
    """Applicants given as mappings of column to value (API callers, ``renkou points score KEY=VALUE``)."""

    def __init__(self, records: Sequence[Mapping[str, object]], origin: str = "<records>") -> None:
        self.records = records
        self.origin = origin

    def evidence(self, rules: RuleFile) -> EvidenceTable:
        """Typed evidence; the line numbers are the records' 1-based positions."""
        import pyarrow as pa

        names: list[str] = []
        for record in self.records:
            names.extend(k for k in record if k not in names)
        columns = {n: pa.array([_text(r.get(n)) for r in self.records], pa.string()) for n in names}
        return build_table(rules, columns, self.origin, np.arange(1, len(self.records) + 1, dtype=np.int64))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def typed_values(rules: RuleFile, values: Mapping[str, object], origin: str) -> dict[str, object]:
    """Single values (e.g. an objection's corrections) checked and typed exactly as file cells would be."""
    import pyarrow as pa

    typed: dict[str, object] = {}
    for name, value in values.items():
        spec = rules.inputs.get(name)
        if spec is None:
            raise ApplicantDataError(
                f"{origin}：规则 {rules.id} 没有输入 {name}",
                f"{origin}: rules {rules.id} have no input {name}",
                code="applicants",
            )
        if spec.type == "text":
            raise ApplicantDataError(
                f"{origin}：输入 {name} 是分组文字，不能更正",
                f"{origin}: input {name} is a group label and cannot be corrected",
                code="applicants",
            )
        cols = _Columns({name: pa.array([_text(value)], pa.string())}, origin, np.array([1]))
        converted, empty, _ = _convert(cols, name, name, spec)
        if empty[0]:
            raise cols.error(name, empty, "为空", "is empty")
        typed[name] = converted[0]
    return typed
