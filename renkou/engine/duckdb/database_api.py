"""DuckDB implementation of :class:`renkou.engine.Engine`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from renkou.errors import UserError


class DuckDBEngine:
    """A connection to one DuckDB database file (or ``:memory:``)."""

    name = "duckdb"

    def __init__(self, path: str | Path, *, read_only: bool = False, threads: int | None = None) -> None:
        self.path = str(path)
        try:
            self.connection = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise UserError(
                    f"数据库 {self.path} 正由另一个进程（如 renkou serve）写入，请通过该服务操作或稍后重试",
                    f"database {self.path} is being written by another process (e.g. renkou serve); "
                    "go through that service or retry when it has finished",
                    code="database_locked",
                ) from None
            raise UserError(
                f"无法打开数据库 {self.path}：{error}", f"cannot open database {self.path}: {error}"
            ) from None
        if threads:
            self.execute(f"SET threads = {int(threads)}")
        self.execute("SET preserve_insertion_order = true")
        self._in_transaction = False

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        # DuckDB keeps a statement's result pending until it is consumed; finish it so the next statement can run.
        self.connection.execute(sql, params).complete()

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        return self.connection.sql(sql, params=params).to_arrow_table()

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.connection.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        rows = self.connection.execute(sql, params).fetchall()
        return rows[0][0] if rows else None

    def batches(self, sql: str, batch_size: int = 1_000_000) -> Iterator[pa.RecordBatch]:
        reader = self.connection.sql(sql).to_arrow_reader(batch_size)
        if reader is None:
            return
        while True:
            try:
                yield reader.read_next_batch()
            except StopIteration:
                return

    def register_arrow(self, name: str, table: pa.Table) -> None:
        # A name registered before keeps pointing at its old table unless it is dropped first.
        self.connection.unregister(name)
        self.connection.register(name, table)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._in_transaction:
            yield
            return
        self.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        else:
            self.execute("COMMIT")
        finally:
            self._in_transaction = False

    def close(self) -> None:
        self.connection.close()
