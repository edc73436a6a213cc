"""Applicant files (CSV, UTF-8 or GBK) and in-memory records as :class:`EvidenceProvider` s.

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

import codecs
import csv as _csv
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
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


class _NeedsText(Exception):
    """A typed (fast-path) column holds a bad value: re-read the file as text for an exact message."""


class _Columns:
    """The columns of one file, with line numbers and the name each column goes by.

    A column is text (``string``), or already typed by the CSV reader (``double`` for numbers, ``dictionary`` for
    levels, flags and sources: the fast path). Values are trimmed of surrounding white space. An error in a text
    column names the cell; an error in a typed column raises :class:`_NeedsText`, since the reader may have
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
            raise _NeedsText(column)
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

    Raises :class:`_NeedsText` when a column typed by the reader holds a bad value (see :class:`_Columns`).
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
        digits = matrix[:, :17].astype(np.int64) - ord("0")
        key = digits @ (10 ** np.arange(16, -1, -1, dtype=np.int64))
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


class CsvApplicants:
    """An applicant CSV file (UTF-8, with or without BOM, or GBK/GB18030).

    The file is first read with each input column typed by the CSV reader (numbers as double, levels and flags
    dictionary-encoded), which is several times faster than text; if any typed value is bad, it is read again as
    text so that the error names the exact cell as written.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def evidence(self, rules: RuleFile) -> EvidenceTable:
        """Typed evidence; line numbers are file lines (the header is line 1)."""
        import pyarrow as pa

        try:
            columns = read_csv_columns(self.path, lambda header: _reader_types(rules, header))
            return build_table(rules, columns, str(self.path), _lines(columns))
        except (_NeedsText, pa.ArrowInvalid):
            columns = read_csv_columns(self.path, None)
            return build_table(rules, columns, str(self.path), _lines(columns))


def _lines(columns: Mapping[str, pa.Array]) -> np.ndarray:
    size = len(next(iter(columns.values()))) if columns else 0
    return np.arange(2, size + 2, dtype=np.int64)


def _reader_types(rules: RuleFile, header: Sequence[str]) -> dict[str, pa.DataType]:
    """Reader types for the fast path: double for numeric inputs, dictionary for the categorical ones."""
    import pyarrow as pa

    categorical = pa.dictionary(pa.int32(), pa.string())
    by_column: dict[str, pa.DataType] = {}
    for name, spec in rules.inputs.items():
        kind = pa.float64() if spec.type in ("integer", "number") else categorical
        by_column.setdefault(name, kind)
        by_column.setdefault(spec.zh, kind)
        by_column.setdefault(f"{name}_source", categorical)
    for column in SOURCE_COLUMNS:
        by_column[column] = categorical
    return {column: by_column.get(column, pa.string()) for column in header}


def _encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"  # a superset of GBK, which department systems export
    return "utf-8"


def _header(path: Path, encoding: str) -> list[str]:
    try:
        with path.open("rb") as handle:
            header_bytes = handle.readline()
    except OSError as error:
        raise ApplicantDataError(
            f"无法读取文件 {path}：{error.strerror}", f"cannot read {path}: {error.strerror}", code="applicants"
        ) from None
    header_text = header_bytes.decode(encoding, errors="replace").lstrip("\ufeff").strip()
    if not header_text:
        raise ApplicantDataError(f"文件 {path} 为空或缺少表头", f"{path} is empty or has no header", code="applicants")
    header = [h.strip() for h in next(_csv.reader([header_text]))]
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise ApplicantDataError(
            f"文件 {path} 第 1 行：列名重复 {', '.join(duplicates)}",
            f"{path} line 1: repeated columns {', '.join(duplicates)}",
            code="applicants",
        )
    return header


def read_csv_columns(
    path: Path, types: Callable[[Sequence[str]], Mapping[str, pa.DataType]] | None
) -> dict[str, pa.Array]:
    """The columns of a CSV file keyed by header: as text, or typed as ``types(header)`` says.

    Only an empty cell is missing (``NA``, ``null`` and the like are values, reported if they are not valid).
    A typed column that fails to convert raises ``pyarrow.ArrowInvalid``; a malformed file is a user error.
    """
    import pyarrow as pa
    import pyarrow.csv as csv

    try:
        encoding = _encoding(path)
    except OSError as error:
        raise ApplicantDataError(
            f"无法读取文件 {path}：{error.strerror}", f"cannot read {path}: {error.strerror}", code="applicants"
        ) from None
    header = _header(path, encoding)
    column_types = dict(types(header)) if types is not None else dict.fromkeys(header, pa.string())
    try:
        table = csv.read_csv(
            path,
            read_options=csv.ReadOptions(encoding=encoding, block_size=1 << 24, skip_rows=1, column_names=header),
            convert_options=csv.ConvertOptions(
                column_types=column_types,
                null_values=[""],
                strings_can_be_null=False,
                quoted_strings_can_be_null=True,  # a quoted "" in a number column is an empty cell too
            ),
        )
    except pa.ArrowInvalid as error:
        if types is not None and "conversion error" in str(error):
            raise
        reason = str(error).splitlines()[0]
        raise ApplicantDataError(
            f"文件 {path} 无法按 CSV 读取：{reason}", f"{path} cannot be read as CSV: {reason}", code="applicants"
        ) from None
    except UnicodeDecodeError as error:
        raise ApplicantDataError(
            f"文件 {path} 编码无法识别：{error.reason}",
            f"{path}: unknown text encoding ({error.reason})",
            code="applicants",
        ) from None
    table = table.unify_dictionaries()
    return {name: table.column(name).combine_chunks() for name in table.column_names}


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
