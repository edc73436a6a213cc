"""Read connections for the service's threads, so that a long read does not hold up everyone else.

The service holds the register's database open for writing (one process may). All writes go through one engine under
one lock (:meth:`renkou.api.service.Service.database`). Reads that may take a while — a person's history, a published
table, an analyst's aggregate, an audit search — use a DuckDB *cursor* instead: a second connection to the same open
database, one per worker thread, which reads the last committed state without taking the lock.
"""

from __future__ import annotations

import threading

from renkou.engine import Engine
from renkou.engine.duckdb import DuckDBEngine


class CursorEngine(DuckDBEngine):
    """A DuckDB cursor of an open database, with the engine interface (for one thread's reads)."""

    def __init__(self, parent: DuckDBEngine) -> None:  # not the base initialiser: that would open the file again
        self.path = parent.path
        self.connection = parent.connection.cursor()
        self._in_transaction = False


class Readers:
    """One read engine per thread, created on first use and closed with the service."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._local = threading.local()
        self._opened: list[CursorEngine] = []
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        """True when the engine can hand out cursors (DuckDB); otherwise reads share the write engine."""
        return isinstance(self.engine, DuckDBEngine)

    def get(self) -> Engine:
        """This thread's read engine."""
        found: CursorEngine | None = getattr(self._local, "engine", None)
        if found is None:
            assert isinstance(self.engine, DuckDBEngine)
            found = CursorEngine(self.engine)
            self._local.engine = found
            with self._lock:
                self._opened.append(found)
        return found

    def close(self) -> None:
        """Close every cursor (before the database itself)."""
        with self._lock:
            for engine in self._opened:
                engine.close()
            self._opened.clear()
