"""The register as one object: open a database, load files, ask for populations, verify the chain."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa

from renkou.engine import Engine
from renkou.engine.duckdb import DuckDBEngine
from renkou.errors import UserError
from renkou.register import chain, ingest, keys, population, state, validate
from renkou.register.schema import DDL, SCHEMA_VERSION

DEFAULT_CITY = "330100"  # Hangzhou, the synthetic city of the demo


class Register:
    """A population register on one engine."""

    def __init__(self, engine: Engine, register_keys: keys.RegisterKeys) -> None:
        self.engine = engine
        self.keys = register_keys
        validate.install_macros(engine)

    @classmethod
    def open(cls, path: str | Path, *, city: str | None = None, read_only: bool = False) -> Register:
        """Open (creating if needed) the register in the DuckDB file ``path``."""
        database = str(path)
        if read_only and database != ":memory:" and not Path(database).exists():
            raise UserError(f"数据库不存在：{database}", f"database not found: {database}")
        engine = DuckDBEngine(database, read_only=read_only)
        _check_schema_version(engine, database)
        if not read_only:
            for statement in DDL.split(";"):
                if statement.strip():
                    engine.execute(statement)
            _initialise_meta(engine, city)
        register = cls(engine, keys.load_or_create(database))
        register._load_divisions()
        return register

    @property
    def city(self) -> str:
        """The city's 6-digit division code."""
        return str(self.engine.scalar("SELECT value FROM meta WHERE key = 'city'"))

    @property
    def city_prefix(self) -> str:
        """The first four digits shared by the city's district codes."""
        return str(self.engine.scalar("SELECT value FROM meta WHERE key = 'city_prefix'"))

    def _load_divisions(self) -> None:
        from renkou.ids.divisions import all_divisions

        if self.engine.scalar("SELECT count(*) FROM divisions") == 0 and not self._read_only():
            rows = all_divisions()
            table = pa.table(
                {
                    "code": [d.code for d in rows],
                    "name": [d.name for d in rows],
                    "level": [d.level for d in rows],
                    "parent_code": [d.parent_code for d in rows],
                    "valid_from": pa.array([d.valid_from for d in rows], pa.int32()),
                    "valid_to": pa.array([d.valid_to for d in rows], pa.int32()),
                }
            )
            self.engine.register_arrow("rk_division_rows", table)
            self.engine.execute("INSERT INTO divisions SELECT * FROM rk_division_rows")
        self.engine.execute("CREATE OR REPLACE TEMP TABLE rk_known_divisions AS SELECT DISTINCT code FROM divisions")

    def _read_only(self) -> bool:
        return bool(self.engine.scalar("SELECT current_setting('access_mode') = 'read_only'"))

    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        feed: str | None = None,
        today: date | None = None,
        progress: Callable[[str, str], None] | None = None,
    ) -> list[ingest.BatchSummary]:
        """Load department files, one batch each; returns a summary per file."""
        summaries = []
        for raw in paths:
            path = Path(raw)
            step = (lambda name, p=path: progress(p.name, name)) if progress else None
            summaries.append(
                ingest.ingest_file(
                    self.engine,
                    self.keys,
                    path,
                    city_prefix=self.city_prefix,
                    feed_name=feed,
                    today=today,
                    progress=step,
                )
            )
        return summaries

    def population(
        self,
        on: date,
        kind: population.Kind = "resident",
        by: tuple[str, ...] = ("district", "sex", "age"),
        known_at: datetime | None = None,
    ) -> pa.Table:
        """Population of ``kind`` on ``on`` grouped by ``by``."""
        return population.population_by(self.engine, on, kind, by, known_at)

    def verify(self, *, deep: bool = False) -> chain.VerifyResult:
        """Recompute the hash chain (and, with ``deep``, the spells index against a fresh fold)."""
        result = chain.verify(self.engine)
        if result.ok and deep:
            drift = state.spells_drift(self.engine)
            if drift:
                result.ok = False
                result.message = (
                    f"状态索引与事件日志不一致（{drift} 行）/ state index differs from the log ({drift} rows)"
                )
        return result

    def close(self) -> None:
        """Close the database."""
        self.engine.close()


def _check_schema_version(engine: Engine, database: str) -> None:
    """Refuse, in one line, a register written by an incompatible version of renkou (its hashes would not match)."""
    has_meta = engine.scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = 'main'"
    )
    if not has_meta:
        return
    found = engine.scalar("SELECT value FROM meta WHERE key = 'schema_version'")
    if found is not None and str(found) != SCHEMA_VERSION:
        engine.close()
        raise UserError(
            f"登记库 {database} 的格式版本为 {found}，本程序需要版本 {SCHEMA_VERSION}；请用原始部门文件重新载入",
            f"register {database} has format version {found}; this renkou needs version {SCHEMA_VERSION}: "
            "re-load it from the department files",
        )


def _initialise_meta(engine: Engine, city: str | None) -> None:
    existing = engine.scalar("SELECT value FROM meta WHERE key = 'city'")
    if existing is None:
        code = city or DEFAULT_CITY
        if len(code) != 6 or not code.isdigit():
            raise UserError(f"城市代码应为 6 位数字：{code}", f"the city code must be 6 digits: {code}")
        engine.execute(
            "INSERT INTO meta VALUES ('city', ?), ('city_prefix', ?), ('schema_version', ?)",
            [code, code[:4], SCHEMA_VERSION],
        )
    elif city is not None and city != existing:
        raise UserError(
            f"该登记库属于城市 {existing}，不能改为 {city}",
            f"this register belongs to city {existing}; it cannot become {city}",
        )
