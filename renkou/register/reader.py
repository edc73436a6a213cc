"""Reading a department file into a staging table of text columns, one row per record with its line number.

Formats: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030: detected from the bytes, not assumed), XLSX (first sheet, header
in the first row), JSON lines, Parquet. Problems with the file as a whole (empty, unreadable encoding, a header that
matches no feed, unknown or missing columns) raise :class:`FileRejected`; problems of single records (a line with too
many or too few fields, invalid bytes) are returned as rejected lines for the quarantine.
"""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa

from renkou.engine import Engine
from renkou.errors import UserError
from renkou.register.feeds import COLUMNS, FEEDS, Feed, header_map

SAMPLE_BYTES = 1 << 20
MAX_HEADER_BYTES = 64 * 1024


class FileRejected(UserError):
    """The whole file cannot be loaded; nothing of it enters the register."""


@dataclass
class StagedFile:
    """A file read into the staging table ``table`` (``line`` and the file's columns of its feed, as text)."""

    path: Path
    feed: Feed
    file_format: str
    encoding: str | None
    columns: list[str]
    table: str
    n_rows: int
    rejected_lines: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason_code, detail)


def detect_format(path: Path) -> str:
    """The file format from the name's extension."""
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt", ".tsv"}:
        return "csv"
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    if suffix in {".parquet", ".pq"}:
        return "parquet"
    raise FileRejected(
        f"{path.name}：不支持的文件格式“{suffix}”（应为 CSV、XLSX、JSON Lines 或 Parquet）",
        f"{path.name}: unsupported file format '{suffix}' (expected CSV, XLSX, JSON lines or Parquet)",
        code="unsupported_format",
    )


def detect_encoding(sample: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or GB18030 (a superset of GBK), judged from the first bytes."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected(
            f"{name}：不支持 UTF-16 编码，请另存为 UTF-8 或 GBK",
            f"{name}: UTF-16 is not supported; save as UTF-8 or GBK",
            code="bad_encoding",
        )
    if b"\x00" in sample:
        raise FileRejected(
            f"{name}：文件含有二进制内容，不是文本文件",
            f"{name}: the file holds binary data, not text",
            code="bad_encoding",
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)  # a multi-byte character cut by the sample's end is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        raise FileRejected(
            f"{name}：无法识别的文字编码（既不是 UTF-8 也不是 GBK）",
            f"{name}: unrecognised text encoding (neither UTF-8 nor GBK)",
            code="bad_encoding",
        ) from None


def map_header(names: list[str], path: Path) -> list[str]:
    """Map the file's header (Chinese or English) to column names; reject unknown or repeated columns."""
    known = header_map()
    mapped: list[str] = []
    for raw in names:
        name = raw.strip().lstrip("\ufeff")
        if name not in known:
            raise FileRejected(
                f"{path.name}：表头含有未定义的列“{name}”",
                f"{path.name}: the header has an undeclared column '{name}'",
                code="unknown_column",
            )
        column = known[name]
        if column in mapped:
            raise FileRejected(
                f"{path.name}：表头中列“{name}”重复",
                f"{path.name}: column '{name}' appears twice in the header",
                code="duplicate_column",
            )
        mapped.append(column)
    return mapped


def choose_feed(columns: list[str], path: Path, feed_name: str | None = None) -> Feed:
    """The feed a file belongs to: given, or the one whose columns the header fits (file name breaks ties)."""
    present = set(columns)
    if feed_name is not None:
        if feed_name not in FEEDS:
            raise FileRejected(
                f"未知的数据源“{feed_name}”（可选：{'、'.join(FEEDS)}）",
                f"unknown feed '{feed_name}' (one of: {', '.join(FEEDS)})",
                code="unknown_feed",
            )
        candidates = [FEEDS[feed_name]]
    else:
        stem = path.name.lower()
        by_name = [feed for feed in FEEDS.values() if stem.startswith(feed.name)]
        candidates = by_name or [feed for feed in FEEDS.values() if present <= set(feed.columns)]
    for feed in candidates:
        missing = [column for column in feed.required if column not in present]
        extra = sorted(present - set(feed.columns))
        if missing:
            zh = "、".join(COLUMNS[c].zh for c in missing)
            raise FileRejected(
                f"{path.name}：缺少必需的列：{zh}",
                f"{path.name}: required column(s) missing: {', '.join(missing)}",
                code="missing_column",
            )
        if extra:
            zh = "、".join(COLUMNS[c].zh for c in extra)
            raise FileRejected(
                f"{path.name}：{feed.department_zh}数据不应含有列：{zh}",
                f"{path.name}: a {feed.name} file may not carry column(s): {', '.join(extra)}",
                code="unexpected_column",
            )
        return feed
    raise FileRejected(
        f"{path.name}：表头与任何部门数据格式都不匹配",
        f"{path.name}: the header matches no department feed",
        code="unknown_feed",
    )


def _read_header_line(path: Path, encoding: str) -> list[str]:
    with path.open("rb") as handle:
        head = handle.read(MAX_HEADER_BYTES)
    newline = head.find(b"\n")
    if newline < 0 and len(head) >= MAX_HEADER_BYTES:
        raise FileRejected(
            f"{path.name}：首行超过 {MAX_HEADER_BYTES // 1024} KB 仍无换行，不是有效的表头",
            f"{path.name}: no line break in the first {MAX_HEADER_BYTES // 1024} KB; not a valid header",
            code="bad_header",
        )
    line = head if newline < 0 else head[:newline]
    text = line.decode(encoding, errors="replace").rstrip("\r")
    return next(csv.reader(io.StringIO(text)))


def _transcode_to_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    """Stream a GB18030 file into UTF-8 for the CSV reader; undecodable bytes become U+FFFD and are caught later."""
    target = workdir / (path.stem + ".utf8.csv")
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    with path.open("rb") as source, target.open("wb") as sink:
        while chunk := source.read(16 << 20):
            sink.write(decoder.decode(chunk).encode("utf-8"))
        sink.write(decoder.decode(b"", final=True).encode("utf-8"))
    return target


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _stage_select(columns: list[str], feed: Feed, source_sql: str, line_sql: str) -> str:
    # Only the file's own columns are staged: a feed column the file lacks is NULL in every row, and validation
    # treats it as a NULL constant (no column of NULLs to materialise, no check to evaluate on it).
    selected = [
        f"NULLIF(trim(CAST({_quote(column)} AS VARCHAR)), '') AS {column}"
        for column in feed.columns
        if column in columns
    ]
    return f"SELECT {line_sql} AS line, {', '.join(selected)} FROM {source_sql}"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def stage_file(engine: Engine, path: Path, table: str, *, feed_name: str | None = None) -> StagedFile:
    """Read ``path`` into the temporary table ``table`` (line + the file's columns, as text)."""
    if not path.exists():
        raise FileRejected(f"文件不存在：{path}", f"file not found: {path}", code="missing_file")
    if path.stat().st_size == 0:
        raise FileRejected(f"{path.name}：文件为空", f"{path.name}: the file is empty", code="empty_file")
    file_format = detect_format(path)
    if file_format == "csv":
        return _stage_csv(engine, path, table, feed_name)
    if file_format == "xlsx":
        return _stage_xlsx(engine, path, table, feed_name)
    if file_format == "jsonl":
        return _stage_jsonl(engine, path, table, feed_name)
    return _stage_parquet(engine, path, table, feed_name)


def _stage_csv(engine: Engine, path: Path, table: str, feed_name: str | None) -> StagedFile:
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    encoding = detect_encoding(sample, path.name)
    header = _read_header_line(path, encoding)
    columns = map_header(header, path)
    feed = choose_feed(columns, path, feed_name)
    with tempfile.TemporaryDirectory(prefix="renkou-ingest-") as workdir:
        readable = _transcode_to_utf8(path, encoding, Path(workdir)) if encoding == "gb18030" else path
        column_spec = "{" + ", ".join(f"{_sql_string(c)}: 'VARCHAR'" for c in columns) + "}"
        reader = (
            f"read_csv({_sql_string(str(readable))}, header = true, delim = ',', quote = '\"', escape = '\"', "
            f"columns = {column_spec}, store_rejects = true, rejects_table = '{table}_rej', "
            f"rejects_scan = '{table}_rejscan', max_line_size = 1048576)"
        )
        engine.execute(f"DROP TABLE IF EXISTS {table}_rej")
        engine.execute(f"DROP TABLE IF EXISTS {table}_rejscan")
        engine.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS "
            + _stage_select(columns, feed, reader, "1 + row_number() OVER ()")
        )
        rejects = engine.rows(f"SELECT line, error_type, coalesce(csv_line, '') FROM {table}_rej ORDER BY line")
    # Records are numbered from line 2 in file order; each rejected line shifts the later records by one.
    reject_lines = sorted({int(line) for line, _, _ in rejects})
    if reject_lines:
        shifts = pa.table(
            {"after_ordinal": [line - (rank + 1) for rank, line in enumerate(reject_lines)]},
        )
        engine.register_arrow(f"{table}_shifts", shifts)
        engine.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT r.* REPLACE (r.line + "
            f"(SELECT count(*) FROM {table}_shifts s WHERE s.after_ordinal < r.line - 1) AS line) FROM {table} r"
        )
    # DuckDB reports a short line once per missing column: keep one entry per line.
    first_by_line: dict[int, tuple[int, str, str]] = {}
    for line, kind, message in rejects:
        first_by_line.setdefault(int(line), (int(line), _csv_reject_code(kind), message))
    rejected = list(first_by_line.values())
    n_rows = int(engine.scalar(f"SELECT count(*) FROM {table}"))
    return StagedFile(path, feed, "csv", encoding, columns, table, n_rows + len(reject_lines), rejected)


def _csv_reject_code(kind: str) -> str:
    kind = kind.upper()
    if "UNICODE" in kind:
        return "invalid_text"
    if "TOO MANY" in kind:
        return "too_many_fields"
    if "MISSING" in kind:
        return "too_few_fields"
    if "QUOTE" in kind:
        return "unterminated_quote"
    if "LINE SIZE" in kind:
        return "line_too_long"
    return "malformed_line"


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if text.strip() else None


def _stage_xlsx(engine: Engine, path: Path, table: str, feed_name: str | None) -> StagedFile:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises its own error types for corrupt or truncated workbooks
        raise FileRejected(
            f"{path.name}：无法读取 Excel 文件（{error}）",
            f"{path.name}: cannot read the Excel workbook ({error})",
            code="unreadable_file",
        ) from None
    if not rows:
        raise FileRejected(f"{path.name}：工作表为空", f"{path.name}: the worksheet is empty", code="empty_file")
    header = [str(cell) for cell in rows[0] if cell not in (None, "")]
    columns = map_header(header, path)
    feed = choose_feed(columns, path, feed_name)
    data: dict[str, list[str | None]] = {column: [] for column in columns}
    lines: list[int] = []
    rejected: list[tuple[int, str, str]] = []
    for index, row in enumerate(rows[1:], start=2):
        cells = [_cell_text(cell) for cell in row]
        if not any(cells):
            continue
        if any(cells[len(columns) :]):
            rejected.append((index, "too_many_fields", f"{len(cells)} cells"))
            continue
        cells += [None] * (len(columns) - len(cells))
        lines.append(index)
        for column, cell in zip(columns, cells, strict=False):
            data[column].append(cell)
    arrow = pa.table({"__line": pa.array(lines, pa.int64()), **{c: pa.array(v, pa.string()) for c, v in data.items()}})
    engine.register_arrow(f"{table}_arrow", arrow)
    engine.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS " + _stage_select(columns, feed, f"{table}_arrow", "__line")
    )
    return StagedFile(path, feed, "xlsx", None, columns, table, len(lines) + len(rejected), rejected)


def _stage_jsonl(engine: Engine, path: Path, table: str, feed_name: str | None) -> StagedFile:
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    encoding = detect_encoding(sample, path.name)
    if encoding == "gb18030":
        raise FileRejected(
            f"{path.name}：JSON 文件必须为 UTF-8 编码", f"{path.name}: JSON files must be UTF-8", code="bad_encoding"
        )
    # Every key of every record, in order of first appearance: a key that first appears late in the file must not
    # be ignored (its values would be silently lost).
    try:
        found = engine.rows(
            "SELECT k FROM (SELECT k, min(n) AS first FROM (SELECT unnest(json_keys(json)) AS k, row_number() OVER () "
            f"AS n FROM read_ndjson_objects({_sql_string(str(path))}, ignore_errors = true) "
            "WHERE json_type(json) = 'OBJECT') GROUP BY k) ORDER BY first"
        )
    except Exception as error:  # DuckDB raises its own error types for files it cannot parse at all
        raise FileRejected(
            f"{path.name}：无法读取 JSON Lines 文件（{error}）",
            f"{path.name}: cannot read the JSON lines file ({error})",
            code="unreadable_file",
        ) from None
    keys = [str(key) for (key,) in found]
    if not keys:
        raise FileRejected(
            f"{path.name}：没有可读的 JSON 记录", f"{path.name}: no readable JSON record", code="empty_file"
        )
    columns = map_header(keys, path)
    feed = choose_feed(columns, path, feed_name)
    column_spec = "{" + ", ".join(f"{_sql_string(k)}: 'VARCHAR'" for k in keys) + "}"
    reader = (
        f"read_json({_sql_string(str(path))}, format = 'newline_delimited', columns = {column_spec}, "
        f"ignore_errors = true, maximum_object_size = 16777216)"
    )
    renamed = ", ".join(f"{_quote(k)} AS {c}" for k, c in zip(keys, columns, strict=True))
    engine.execute(
        f"CREATE OR REPLACE TEMP TABLE {table}_raw AS SELECT row_number() OVER () AS __line, {renamed} FROM {reader}"
    )
    all_null = " AND ".join(f"{c} IS NULL" for c in columns)
    rejected = [
        (int(line), "malformed_line", "JSON")
        for (line,) in engine.rows(f"SELECT __line FROM {table}_raw WHERE {all_null} ORDER BY __line")
    ]
    engine.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS "
        + _stage_select(columns, feed, f"(SELECT * FROM {table}_raw WHERE NOT ({all_null}))", "__line")
    )
    engine.execute(f"DROP TABLE IF EXISTS {table}_raw")
    n_rows = int(engine.scalar(f"SELECT count(*) FROM {table}"))
    return StagedFile(path, feed, "jsonl", "utf-8", columns, table, n_rows + len(rejected), rejected)


def _stage_parquet(engine: Engine, path: Path, table: str, feed_name: str | None) -> StagedFile:
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
    except Exception as error:  # pyarrow raises ArrowInvalid and OSError variants for damaged files
        raise FileRejected(
            f"{path.name}：无法读取 Parquet 文件（{error}）",
            f"{path.name}: cannot read the Parquet file ({error})",
            code="unreadable_file",
        ) from None
    columns = map_header(names, path)
    feed = choose_feed(columns, path, feed_name)
    renamed = ", ".join(f"{_quote(n)} AS {c}" for n, c in zip(names, columns, strict=True))
    source = f"(SELECT file_row_number, {renamed} FROM read_parquet({_sql_string(str(path))}, file_row_number = true))"
    engine.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS " + _stage_select(columns, feed, source, "file_row_number + 1")
    )
    n_rows = int(engine.scalar(f"SELECT count(*) FROM {table}"))
    return StagedFile(path, feed, "parquet", None, columns, table, n_rows, [])
