"""Department files, one writer per file, each in its department's format.

hukou: CSV in GBK with Chinese headers · health: XLSX with Chinese headers · residence: JSON lines with English
keys · civil and housing: CSV in UTF-8 with Chinese headers · hrss: Parquet with English column names. Every writer
returns, for each block it appends, the line number (as ``renkou ingest`` counts lines) of the block's first row.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Protocol

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from renkou.register.feeds import COLUMNS
from renkou.synth.events import LAYOUT
from renkou.synth.xlsx import XlsxWriter, joined_bytes

SERIAL = "_serial"  # hidden column: an Excel date serial to write instead of occurred_on (XLSX only)
EXTENSIONS = {
    "hukou": "csv",
    "health": "xlsx",
    "residence": "jsonl",
    "civil": "csv",
    "hrss": "parquet",
    "housing": "csv",
}
SHEET_NAMES = {"health": "出生死亡登记"}


class FeedWriter(Protocol):
    """Appends blocks of rows to one department file."""

    path: Path

    def write(self, table: pa.Table) -> int:
        """Append the rows; return the line number of the first."""

    def close(self) -> None:
        """Finish the file."""


class CsvWriter:
    """CSV with Chinese headers, in GBK (hukou) or UTF-8."""

    def __init__(self, path: Path, feed: str, encoding: str) -> None:
        self.path = path
        self.columns = list(LAYOUT[feed])
        self.encoding = encoding
        self.handle = path.open("wb")
        self.handle.write((",".join(COLUMNS[c].zh for c in self.columns) + "\n").encode(encoding))
        self.rows = 0

    def write(self, table: pa.Table) -> int:
        first = self.rows + 2  # line 1 is the header
        if table.num_rows:
            buffer = io.BytesIO()
            options = pcsv.WriteOptions(include_header=False, quoting_style="none")
            pcsv.write_csv(table.select(self.columns), buffer, options)
            data = buffer.getvalue()
            if self.encoding != "utf-8":
                # strict: a character outside GBK is a bug in the name pools, not something to hide
                data = data.decode("utf-8").encode(self.encoding)
            self.handle.write(data)
            self.rows += table.num_rows
        return first

    def close(self) -> None:
        self.handle.close()


class JsonLinesWriter:
    """JSON lines with English keys; every line has every key of the layout (null when empty)."""

    def __init__(self, path: Path, feed: str) -> None:
        self.path = path
        self.columns = list(LAYOUT[feed])
        self.handle = path.open("wb")
        self.rows = 0

    def write(self, table: pa.Table) -> int:
        first = self.rows + 1
        for batch in table.select(self.columns).to_batches():
            n = batch.num_rows
            if n == 0:
                continue
            # One string kernel per batch: key fragments interleaved with quoted values (or null). Values are
            # codes, dates, digits and names, which never need JSON escaping.
            parts: list[pa.Array | pa.Scalar] = []
            separator = "{"
            for name, values in zip(self.columns, batch.columns, strict=True):
                if values.null_count == n:
                    parts.append(pa.scalar(f'{separator}"{name}":null'))
                elif values.null_count:
                    quoted = pc.binary_join_element_wise(pa.scalar('"'), values, pa.scalar('"'), "")
                    parts += [pa.scalar(f'{separator}"{name}":'), pc.fill_null(quoted, "null")]
                else:
                    parts += [pa.scalar(f'{separator}"{name}":"'), values, pa.scalar('"')]
                separator = ","
            parts.append(pa.scalar("}\n"))
            self.handle.write(joined_bytes(pc.binary_join_element_wise(*parts, "")))
            self.rows += n
        return first

    def close(self) -> None:
        self.handle.close()


class ParquetFeedWriter:
    """Parquet, every column text, English names (one row group per block)."""

    def __init__(self, path: Path, feed: str) -> None:
        self.path = path
        self.columns = list(LAYOUT[feed])
        self.schema = pa.schema([(name, pa.string()) for name in self.columns])
        self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
        self.rows = 0

    def write(self, table: pa.Table) -> int:
        first = self.rows + 1
        if table.num_rows:
            self.writer.write_table(table.select(self.columns).cast(self.schema))
            self.rows += table.num_rows
        return first

    def close(self) -> None:
        self.writer.close()


class ExcelWriter:
    """XLSX with Chinese headers; a row may carry an Excel date serial for its occurred_on."""

    def __init__(self, path: Path, feed: str) -> None:
        self.path = path
        self.columns = list(LAYOUT[feed])
        self.writer = XlsxWriter(path, [COLUMNS[c].zh for c in self.columns], SHEET_NAMES.get(feed, "Sheet1"))

    def write(self, table: pa.Table) -> int:
        columns = [table.column(name).combine_chunks() for name in self.columns]
        numeric: list[pa.Array | None] | None = None
        if SERIAL in table.column_names:
            numeric = [
                table.column(SERIAL).combine_chunks() if name == "occurred_on" else None for name in self.columns
            ]
        return self.writer.append(columns, numeric)

    def close(self) -> None:
        self.writer.close()


def open_writer(directory: Path, feed: str, key: str) -> FeedWriter:
    """A writer for the file ``<feed>_<key>.<ext>`` in ``directory``."""
    path = directory / f"{feed}_{key}.{EXTENSIONS[feed]}"
    if feed == "hukou":
        return CsvWriter(path, feed, "gbk")
    if feed in {"civil", "housing"}:
        return CsvWriter(path, feed, "utf-8")
    if feed == "residence":
        return JsonLinesWriter(path, feed)
    if feed == "hrss":
        return ParquetFeedWriter(path, feed)
    return ExcelWriter(path, feed)
