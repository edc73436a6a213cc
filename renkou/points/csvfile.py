"""Applicant CSV files (UTF-8 with or without BOM, or GBK/GB18030) as an evidence provider.

The file is read by pyarrow, first with each input column typed by the reader (numbers as double, levels and flags
dictionary-encoded), which is several times faster than text for a million rows; if any typed value is bad, the
file is read again as text so that the error names the exact cell as written.
"""

from __future__ import annotations

import codecs
import csv as _csv
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from renkou.points.applicants import SOURCE_COLUMNS, ApplicantDataError, NeedsText, build_table
from renkou.points.evidence import EvidenceTable
from renkou.points.schema import RuleFile

if TYPE_CHECKING:
    import pyarrow as pa


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
        except (NeedsText, pa.ArrowInvalid):
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
