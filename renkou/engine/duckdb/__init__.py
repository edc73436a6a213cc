"""The embedded DuckDB engine (default): one database file, no server."""

from renkou.engine.duckdb.database_api import DuckDBEngine

__all__ = ["DuckDBEngine"]
