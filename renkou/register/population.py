"""Registered, resident and floating population on a date (definitions of DESIGN.md, census rules).

- registered (户籍人口): alive, hukou in the city.
- resident (常住人口): alive and either living in the city with hukou there, living in the city six months or more
  with hukou elsewhere, or with hukou in the city and away for less than six months.
- floating (流动人口): alive, living in the city, hukou elsewhere (any duration).
The district of a registered person is the hukou district; of a resident or floating person the district of
residence (the hukou district for one away less than six months).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import pyarrow as pa

from renkou.engine import Engine
from renkou.errors import UserError
from renkou.register.state import state_sql

Kind = Literal["registered", "resident", "floating"]
KINDS: tuple[Kind, ...] = ("registered", "resident", "floating")
KIND_ZH = {"registered": "户籍人口", "resident": "常住人口", "floating": "流动人口"}


def membership_sql(kind: Kind, on: date) -> tuple[str, str]:
    """(condition, district expression) of ``kind`` over a state row aliased ``s``."""
    day = f"DATE '{on.isoformat()}'"
    half_year = f"({day} - INTERVAL 6 MONTH)"
    alive = "coalesce(s.alive, true)"
    hukou_here = "coalesce(s.hukou_in_city, false)"
    living_here = "coalesce(s.residence_in_city, false)"
    if kind == "registered":
        return f"{alive} AND {hukou_here}", "s.hukou_region"
    if kind == "floating":
        return f"{alive} AND {living_here} AND NOT {hukou_here}", "s.residence_region"
    if kind == "resident":
        living = f"{living_here} AND ({hukou_here} OR coalesce(s.residence_since, DATE '1800-01-01') <= {half_year})"
        away = f"{hukou_here} AND NOT {living_here} AND coalesce(s.left_on, DATE '1800-01-01') > {half_year}"
        condition = f"{alive} AND (({living}) OR ({away}))"
        return condition, f"CASE WHEN {living_here} THEN s.residence_region ELSE s.hukou_region END"
    raise UserError(f"未知的人口口径：{kind}", f"unknown population kind: {kind}")


def age_sql(on: date, birth: str = "s.birth_date") -> str:
    """Completed years of age on ``on``."""
    stamp = on.year * 10000 + on.month * 100 + on.day
    return f"(({stamp} - (year({birth}) * 10000 + month({birth}) * 100 + day({birth}))) // 10000)"


def population_by(
    engine: Engine,
    on: date,
    kind: Kind = "resident",
    by: tuple[str, ...] = ("district", "sex", "age"),
    known_at: datetime | None = None,
) -> pa.Table:
    """Counts of ``kind`` on ``on`` grouped by any of district, sex, age, urban (as an Arrow table)."""
    condition, district = membership_sql(kind, on)
    available = {
        "district": f"{district}",
        "sex": "s.sex",
        "age": age_sql(on),
        "urban": "starts_with(s.urban_rural, '1')",
    }
    unknown = [name for name in by if name not in available]
    if unknown:
        raise UserError(f"无法按“{unknown[0]}”分组", f"cannot group by '{unknown[0]}'")
    keys = ", ".join(f"{available[name]} AS {name}" for name in by)
    select_keys = f"{keys}, " if by else ""
    group = f"GROUP BY {', '.join(str(i + 1) for i in range(len(by)))}" if by else ""
    order = f"ORDER BY {', '.join(str(i + 1) for i in range(len(by)))}" if by else ""
    return engine.arrow(
        f"SELECT {select_keys}count(*) AS population FROM ({state_sql(on, known_at)}) s "
        f"WHERE {condition} {group} {order}"
    )


def population_total(engine: Engine, on: date, kind: Kind, known_at: datetime | None = None) -> int:
    """The population of ``kind`` on ``on``."""
    table = population_by(engine, on, kind, by=(), known_at=known_at)
    return int(table.column("population")[0].as_py())
