"""Engine interface: the one door through which the register and the analytics reach a database.

Algorithms never ask which engine runs them; they call :class:`Engine`. The embedded default is DuckDB
(``renkou.engine.duckdb``); a Spark adapter can implement the same protocol for registers larger than one machine.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

import pyarrow as pa


class Engine(Protocol):
    """What the register and analytics need from a database engine."""

    name: str

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        """Run a statement that returns nothing."""

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """Run a query and return its result as an Arrow table."""

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a query and return its rows as tuples."""

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """Run a query and return the first column of its first row (None when empty)."""

    def batches(self, sql: str, batch_size: int = 1_000_000) -> Iterator[pa.RecordBatch]:
        """Stream a query's result as Arrow record batches."""

    def register_arrow(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under ``name`` for this connection."""

    def transaction(self) -> AbstractContextManager[None]:
        """A context in which all statements commit together or not at all."""

    def close(self) -> None:
        """Release the connection."""
