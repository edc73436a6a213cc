"""Period life tables from death rates, or from deaths and exposures: pure NumPy, no I/O.

Conventions (Preston, Heuveline & Guillot, *Demography*, 2001, chapter 3):

* ``nqx = n m / (1 + (n - nax) m)``, capped at 1 (a group whose rate is so high that ``nax * m > 1`` is closed with
  ``nax = 1/m``, so its ``nLx = ndx / nmx`` still matches the rate); the open group has ``q = 1``;
* ``lx`` from the radix (100 000) by ``l[x+n] = lx (1 - nqx)``; ``ndx = lx nqx``;
* ``nLx = n l[x+n] + nax ndx`` for closed groups and ``L = l / m`` for the open group;
* ``Tx`` is the sum of ``nLx`` from ``x`` up and ``ex = Tx / lx`` (undefined, NaN, where nobody survives to ``x``).

``ax`` not given is chosen by the rules of :mod:`renkou.stats.lifetable_ax`. Rates may be stacked: ``mx`` of shape
``(..., A)`` (regions x ages, variants x regions x ages, ...) gives every column in that shape, one table per leading
index, all computed at once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from renkou.stats.lifetable_ages import (
    FloatArray,
    LifeTableInputError,
    abridged_ages,
    format_age,
    regroup_indices,
    validate_layout,
)
from renkou.stats.lifetable_ax import (
    AX_METHODS,
    AxMethod,
    SexArray,
    SexLike,
    andreev_kingkade_a0,
    coale_demeny_4a1,
    constant_hazard_ax,
    keyfitz_ax,
    keyfitz_eligible,
    normalize_sex,
)

__all__ = [
    "AX_METHODS",
    "COLUMNS",
    "DEFAULT_MIN_DEATHS",
    "DEFAULT_RADIX",
    "LifeTable",
    "LifeTableInputError",
    "abridge_life_table",
    "andreev_kingkade_a0",
    "coale_demeny_4a1",
    "life_table",
    "life_table_from_deaths",
    "regroup_life_table",
]

DEFAULT_RADIX = 100_000.0
# Below this many deaths in a table, chance alone moves e0 by years: the result carries a warning.
DEFAULT_MIN_DEATHS = 20
COLUMNS: tuple[str, ...] = ("age", "interval", "mx", "qx", "ax", "lx", "dx", "Lx", "Tx", "ex")

# Keyfitz graduation converges in a handful of rounds; stop when ax moves less than this (years).
_GRADUATION_TOLERANCE = 1e-10
_GRADUATION_ROUNDS = 100
# A given ax for the open group is replaced by 1/m; say so when it differed by more than this (years).
_OPEN_AX_TOLERANCE = 0.01


@dataclass(frozen=True, eq=False)
class LifeTable:
    """A life table, or a stack of them: ``ages`` and ``intervals`` are 1-D, every column has shape ``(..., A)``.

    ``intervals`` holds ``inf`` for the open group. ``warnings`` are bilingual sentences about figures that should
    not be trusted blindly (few deaths, a capped ``qx``); the CLI prints them on stderr.
    """

    ages: FloatArray
    intervals: FloatArray
    mx: FloatArray
    qx: FloatArray
    ax: FloatArray
    lx: FloatArray
    dx: FloatArray
    Lx: FloatArray
    Tx: FloatArray
    ex: FloatArray
    radix: float
    sex: SexArray
    warnings: list[str] = field(default_factory=list)

    @property
    def shape(self) -> tuple[int, ...]:
        """The leading shape: ``()`` for one table, ``(regions,)`` for a stack of regions, and so on."""
        return self.mx.shape[:-1]

    @property
    def e0(self) -> Any:
        """Life expectancy at birth: a float for one table, an array of the leading shape for a stack."""
        if self.ages[0] != 0:
            raise ValueError(f"this table starts at age {format_age(self.ages[0])}, not at birth")
        return self.ex_at(0)

    def ex_at(self, age: float) -> Any:
        """Life expectancy at ``age``, which must be the lower bound of an age group (0, 1, 5, 60, ...)."""
        matches = np.flatnonzero(np.isclose(self.ages, age, rtol=0.0, atol=1e-9))
        if matches.size == 0:
            starts = ", ".join(format_age(a) for a in self.ages)
            raise ValueError(f"age {format_age(age)} is not the start of an age group ({starts})")
        value = self.ex[..., matches[0]]
        return float(value) if np.ndim(value) == 0 else value

    def select(self, *index: int) -> LifeTable:
        """One table (or a smaller stack) out of a stack: ``tables.select(3)`` is the table of region 3.

        The warnings stay those of the whole stack (they name the region they concern).
        """
        columns = {name: getattr(self, name)[index] for name in ("mx", "qx", "ax", "lx", "dx", "Lx", "Tx", "ex")}
        return replace(self, sex=self.sex[index], **columns)

    def to_rows(self) -> list[dict[str, float | None]]:
        """The table as rows with the keys of :data:`COLUMNS`; the open group's interval is ``None``.

        Only for a single table: use :meth:`select` first on a stack.
        """
        if self.shape:
            raise ValueError(f"a stack of tables of shape {self.shape}: select one table first, e.g. .select(0)")
        rows: list[dict[str, float | None]] = []
        for i, age in enumerate(self.ages):
            width = self.intervals[i]
            row: dict[str, float | None] = {
                "age": float(age),
                "interval": float(width) if math.isfinite(width) else None,
            }
            for name in COLUMNS[2:]:
                value = float(getattr(self, name)[i])
                row[name] = value if math.isfinite(value) else None
            rows.append(row)
        return rows


def _first_bad(mask: np.ndarray) -> tuple[tuple[int, ...], int]:
    """(leading index, row) of the first True in ``mask``, for an error message."""
    where = tuple(int(i) for i in np.argwhere(mask)[0])
    return where[:-1], where[-1]


def _as_rates(mx: ArrayLike, ages: FloatArray) -> FloatArray:
    rates = np.array(mx, dtype=np.float64)
    if rates.ndim == 0 or rates.shape[-1] != ages.size:
        raise LifeTableInputError(
            f"死亡率的最后一维应有 {ages.size} 个年龄组，实际形状为 {rates.shape}",
            f"the rates need {ages.size} age groups on their last axis; got shape {rates.shape}",
        )
    bad = ~np.isfinite(rates) | (rates < 0)
    if bad.any():
        region, row = _first_bad(bad)
        value = rates[(*region, row)]
        raise LifeTableInputError(
            f"年龄 {format_age(ages[row])} 的死亡率 {value} 无效（应为非负数）",
            f"age {format_age(ages[row])}: death rate {value} is invalid (must be a number >= 0)",
            row=row,
            region=region,
        )
    open_zero = rates[..., -1] <= 0
    if open_zero.any():
        region = tuple(int(i) for i in np.argwhere(open_zero)[0]) if rates.ndim > 1 else ()
        raise LifeTableInputError(
            f"开口年龄组 {format_age(ages[-1])}+ 的死亡率为 0，无法计算该组的剩余寿命；请降低开口年龄",
            f"the open age group {format_age(ages[-1])}+ has a death rate of 0, so its life expectancy is "
            "undefined; use a lower open age",
            row=ages.size - 1,
            region=region,
        )
    return rates


def _as_given_ax(ax: ArrayLike | None, shape: tuple[int, ...], ages: FloatArray, n: FloatArray) -> FloatArray:
    """The given ax broadcast to the rates' shape, NaN where the table must choose; checks 0 <= ax <= n."""
    if ax is None:
        return np.full(shape, np.nan)
    given = np.array(ax, dtype=np.float64)
    try:
        given = np.array(np.broadcast_to(given, shape))
    except ValueError:
        raise LifeTableInputError(
            f"ax 的形状 {given.shape} 与死亡率的形状 {shape} 不符",
            f"ax has shape {given.shape} but the rates have shape {shape}",
        ) from None
    closed = given[..., :-1]
    bad = ~np.isnan(closed) & (~np.isfinite(closed) | (closed < 0) | (closed > n[:-1]))
    if bad.any():
        region, row = _first_bad(bad)
        raise LifeTableInputError(
            f"年龄 {format_age(ages[row])} 的 ax = {closed[(*region, row)]:g} 应在 0 到组距 {n[row]:g} 之间",
            f"age {format_age(ages[row])}: ax = {closed[(*region, row)]:g} must lie between 0 and the interval "
            f"{n[row]:g}",
            row=row,
            region=region,
        )
    return given


def _rule_ax(
    ages: FloatArray, n: FloatArray, rates: FloatArray, sex: SexArray, method: AxMethod
) -> tuple[FloatArray, np.ndarray]:
    """ax by the default rules, and a mask of the rows set by an age-specific rule (infants, ages 1-4)."""
    if method == "constant":
        chosen = constant_hazard_ax(rates, np.where(np.isfinite(n), n, 1.0))
    else:
        chosen = np.broadcast_to(np.where(np.isfinite(n), n / 2, 0.0), rates.shape).copy()
    by_rule = np.zeros(n.shape, dtype=bool)
    if ages[0] == 0 and n[0] == 1:
        m0 = rates[..., 0]
        chosen[..., 0] = andreev_kingkade_a0(m0, sex)
        by_rule[0] = True
        if n.size > 2 and ages[1] == 1 and n[1] == 4:
            chosen[..., 1] = coale_demeny_4a1(m0, sex)
            by_rule[1] = True
    return chosen, by_rule


def _columns(n: FloatArray, rates: FloatArray, ax: FloatArray, radix: float) -> dict[str, FloatArray]:
    """Every life-table column from the rates and ax (open-group ax is replaced by 1/m)."""
    lead = rates.shape[:-1]
    width = n[:-1]
    m_closed = rates[..., :-1]
    a_closed = ax[..., :-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        q_closed = width * m_closed / (1 + (width - a_closed) * m_closed)
        capped = q_closed > 1
        # q > 1 happens exactly when ax * m > 1: close the group with ax = 1/m, so that L = d / m as for the open group.
        a_closed = np.where(capped, 1 / np.where(capped, m_closed, 1.0), a_closed)
        q_closed = np.where(capped, 1.0, q_closed)
        a_open = 1 / rates[..., -1:]
    qx = np.concatenate([q_closed, np.ones((*lead, 1))], axis=-1)
    survival = np.cumprod(1 - q_closed, axis=-1)
    lx = radix * np.concatenate([np.ones((*lead, 1)), survival], axis=-1)
    dx = lx * qx
    l_open = lx[..., -1:]
    Lx = np.concatenate([width * lx[..., 1:] + a_closed * dx[..., :-1], l_open * a_open], axis=-1)
    Tx = np.flip(np.cumsum(np.flip(Lx, axis=-1), axis=-1), axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ex = np.where(lx > 0, Tx / np.where(lx > 0, lx, 1.0), np.nan)
    return {
        "qx": qx,
        "ax": np.concatenate([a_closed, a_open], axis=-1),
        "lx": lx,
        "dx": dx,
        "Lx": Lx,
        "Tx": Tx,
        "ex": ex,
        "capped": np.concatenate([capped, np.zeros((*lead, 1), dtype=bool)], axis=-1),
    }


def _graduate(n: FloatArray, rates: FloatArray, ax: FloatArray, free: np.ndarray, radix: float) -> FloatArray:
    """Iterate Keyfitz's graduation on the ``free`` rows until ax settles."""
    eligible = keyfitz_eligible(n) & free
    if not eligible.any():
        return ax
    current = ax
    for _ in range(_GRADUATION_ROUNDS):
        dx = _columns(n, rates, current, radix)["dx"]
        updated = np.where(eligible, keyfitz_ax(dx, n, eligible), current)
        if np.nanmax(np.abs(updated - current)) < _GRADUATION_TOLERANCE:
            return updated
        current = updated
    return current


def _check_method(method: str) -> AxMethod:
    if method not in AX_METHODS:
        raise LifeTableInputError(
            f"ax 方法“{method}”无效，可选：{'、'.join(AX_METHODS)}",
            f"unknown ax method '{method}'; choose one of {', '.join(AX_METHODS)}",
        )
    return method  # type: ignore[return-value]


def _plural(count: int, total: int) -> tuple[str, str]:
    """Suffixes saying in how many of a stack of tables something happened ("" for a single table)."""
    if total <= 1:
        return "", ""
    return f"（{count}/{total} 个区域）", f" (in {count} of {total} tables)"


def _layout_warnings(
    ages: FloatArray, n: FloatArray, rates: FloatArray, given: FloatArray, columns: dict[str, FloatArray]
) -> list[str]:
    warnings: list[str] = []
    total = int(np.prod(rates.shape[:-1], dtype=np.int64))
    capped = columns["capped"]
    for row in np.flatnonzero(capped.reshape(-1, ages.size).any(axis=0)):
        count = int(capped[..., row].sum())
        zh, en = _plural(count, total)
        warnings.append(
            f"年龄 {format_age(ages[row])} 的死亡率过高，qx 截为 1，此后无人存活{zh} / "
            f"age {format_age(ages[row])}: the death rate is so high that qx is capped at 1 and nobody survives "
            f"beyond it{en}"
        )
    open_given = given[..., -1]
    differs = ~np.isnan(open_given) & (np.abs(open_given - 1 / rates[..., -1]) > _OPEN_AX_TOLERANCE)
    if differs.any():
        zh, en = _plural(int(differs.sum()), total)
        warnings.append(
            f"开口年龄组的 ax 按 1/m 计算，输入值被忽略{zh} / the open age group's ax is 1/m; the given value was "
            f"ignored{en}"
        )
    if ages[0] == 0 and n[0] > 1 and np.isnan(given[..., 0]).any():
        warnings.append(
            f"第一个年龄组 0-{format_age(n[0] - 1)} 未单列婴儿（0 岁），其 ax 取组距一半，会高估婴幼儿的死亡年龄和预期寿命 / "
            f"the first age group 0-{format_age(n[0] - 1)} does not separate infants (age 0): its ax is half the "
            "interval, which overstates the age at death of young children and life expectancy"
        )
    return warnings


def life_table(
    ages: ArrayLike,
    intervals: Sequence[float | None] | ArrayLike,
    mx: ArrayLike,
    ax: ArrayLike | None = None,
    *,
    sex: SexLike = "T",
    radix: float = DEFAULT_RADIX,
    ax_method: str = "midpoint",
) -> LifeTable:
    """A period life table from age-specific death rates ``mx``.

    ``ages`` are the lower bounds of the age groups and ``intervals`` their widths, the last one empty
    (``None``/NaN/inf) for the open group. ``mx`` has the age groups on its last axis; any leading axes are a stack
    of tables computed together. ``ax`` (years, same shape or broadcastable) may be omitted, or NaN where the table
    should choose: ``1a0`` by Andreev-Kingkade from ``1m0`` and ``sex`` ("F", "M", "T" or an array of them, one per
    table) when the first group is age 0 of width 1, ``4a1`` by Coale-Demeny (Preston et al. 2001, table 3.3) when
    the second group is 1-4, other closed groups
    by ``ax_method`` ("midpoint": n/2; "constant": constant hazard within the group; "graduate": Keyfitz's
    iteration), and the open group ``1/m``. Bad input raises :class:`LifeTableInputError` naming the row.
    """
    age_array, n = validate_layout(ages, intervals)
    rates = _as_rates(mx, age_array)
    method = _check_method(ax_method)
    if not (math.isfinite(radix) and radix > 0):
        raise LifeTableInputError(f"基数 {radix} 应为正数", f"radix {radix} must be positive")
    codes = normalize_sex(sex, rates.shape[:-1])
    given = _as_given_ax(ax, rates.shape, age_array, n)
    chosen, by_rule = _rule_ax(age_array, n, rates, codes, method)
    free = np.isnan(given)
    current = np.where(free, chosen, given)
    if method == "graduate":
        current = _graduate(n, rates, current, free & ~by_rule, radix)
    columns = _columns(n, rates, current, radix)
    return LifeTable(
        ages=age_array,
        intervals=n,
        mx=rates,
        qx=columns["qx"],
        ax=columns["ax"],
        lx=columns["lx"],
        dx=columns["dx"],
        Lx=columns["Lx"],
        Tx=columns["Tx"],
        ex=columns["ex"],
        radix=float(radix),
        sex=codes,
        warnings=_layout_warnings(age_array, n, rates, given, columns),
    )


def _check_counts(deaths: FloatArray, exposure: FloatArray, ages: FloatArray) -> None:
    bad_deaths = ~np.isfinite(deaths) | (deaths < 0)
    if bad_deaths.any():
        region, row = _first_bad(bad_deaths)
        value = deaths[(*region, row)]
        raise LifeTableInputError(
            f"年龄 {format_age(ages[row])} 的死亡人数 {value:g} 无效（不能为负）",
            f"age {format_age(ages[row])}: deaths {value:g} is invalid (must not be negative)",
            row=row,
            region=region,
        )
    bad_exposure = ~np.isfinite(exposure) | (exposure <= 0)
    if bad_exposure.any():
        region, row = _first_bad(bad_exposure)
        value = exposure[(*region, row)]
        raise LifeTableInputError(
            f"年龄 {format_age(ages[row])} 的暴露人年为 {value:g}，应为正数（无人口的年龄组请并入相邻组或降低开口年龄）",
            f"age {format_age(ages[row])}: exposure is {value:g} but must be positive (merge empty age groups or "
            "lower the open age)",
            row=row,
            region=region,
        )
    open_empty = deaths[..., -1] <= 0
    if open_empty.any():
        region = tuple(int(i) for i in np.argwhere(open_empty)[0]) if deaths.ndim > 1 else ()
        raise LifeTableInputError(
            f"开口年龄组 {format_age(ages[-1])}+ 没有死亡，无法计算该组的剩余寿命；请降低开口年龄",
            f"no deaths in the open age group {format_age(ages[-1])}+, so its life expectancy is undefined; use a "
            "lower open age",
            row=ages.size - 1,
            region=region,
        )


def _small_number_warnings(deaths: FloatArray, min_deaths: float) -> list[str]:
    totals = deaths.sum(axis=-1)
    few = [tuple(int(i) for i in index) for index in np.argwhere(np.atleast_1d(totals < min_deaths))]
    warnings: list[str] = []
    for index in few:
        where = index if totals.ndim else ()
        total = float(totals[where])
        label = ",".join(str(i) for i in where)
        where_zh, where_en = (f"第 {label} 个区域：", f"region {label}: ") if where else ("", "")
        warnings.append(
            f"{where_zh}死亡人数合计仅 {total:g} 人（少于 {min_deaths:g} 人），生命表指标受偶然波动影响大，"
            f"请合并地区或年份后再用 / {where_en}only {total:g} deaths in total (fewer than {min_deaths:g}): the "
            "life-table figures are dominated by chance; pool areas or years before relying on them"
        )
    return warnings


def life_table_from_deaths(
    ages: ArrayLike,
    intervals: Sequence[float | None] | ArrayLike,
    deaths: ArrayLike,
    exposure: ArrayLike,
    ax: ArrayLike | None = None,
    *,
    sex: SexLike = "T",
    radix: float = DEFAULT_RADIX,
    ax_method: str = "midpoint",
    min_deaths: float = DEFAULT_MIN_DEATHS,
) -> LifeTable:
    """A period life table from deaths and exposures (person-years) by age: ``mx = deaths / exposure``.

    Negative deaths, an exposure that is not positive, or an open age group without deaths raise
    :class:`LifeTableInputError` naming the row. A table with fewer than ``min_deaths`` deaths in total is still
    computed but carries a warning, since chance dominates such figures. Other arguments as :func:`life_table`.
    """
    age_array, n = validate_layout(ages, intervals)
    death_counts = np.array(deaths, dtype=np.float64)
    person_years = np.array(exposure, dtype=np.float64)
    if death_counts.shape != person_years.shape or death_counts.ndim == 0 or death_counts.shape[-1] != age_array.size:
        raise LifeTableInputError(
            f"死亡人数（形状 {death_counts.shape}）与暴露人年（形状 {person_years.shape}）应有相同形状，"
            f"最后一维为 {age_array.size} 个年龄组",
            f"deaths (shape {death_counts.shape}) and exposure (shape {person_years.shape}) need the same shape "
            f"with {age_array.size} age groups on the last axis",
        )
    _check_counts(death_counts, person_years, age_array)
    table = life_table(age_array, n, death_counts / person_years, ax, sex=sex, radix=radix, ax_method=ax_method)
    warnings = _small_number_warnings(death_counts, min_deaths) + table.warnings
    return replace(table, warnings=warnings)


def regroup_life_table(table: LifeTable, new_ages: ArrayLike) -> LifeTable:
    """Collapse a life table into coarser age groups exactly (e.g. a complete table into an abridged one).

    The survivors ``lx`` at the new boundaries, ``Tx`` and ``ex`` are unchanged; ``nLx`` and ``ndx`` are sums over
    the merged groups; ``nmx = ndx / nLx``, ``nqx = ndx / lx`` and ``nax = (nLx - n l[x+n]) / ndx``. The new layout
    must start at the table's first age and its boundaries must be boundaries of the table.
    """
    starts = regroup_indices(table.ages, new_ages)
    ends = np.append(starts[1:], table.ages.size)
    ages = table.ages[starts]
    n = np.diff(ages, append=np.inf)
    lx = table.lx[..., starts]
    Lx = np.add.reduceat(table.Lx, starts, axis=-1)
    l_next = np.concatenate([table.lx[..., ends[:-1]], np.zeros((*table.shape, 1))], axis=-1)
    dx = lx - l_next
    with np.errstate(divide="ignore", invalid="ignore"):
        mx = dx / Lx
        qx = np.where(lx > 0, dx / np.where(lx > 0, lx, 1.0), table.qx[..., starts])
        width = np.where(np.isfinite(n), n, 0.0)
        ax = np.where(dx > 0, (Lx - width * l_next) / np.where(dx > 0, dx, 1.0), width / 2)
    return replace(
        table,
        ages=ages,
        intervals=n,
        mx=mx,
        qx=qx,
        ax=ax,
        lx=lx,
        dx=dx,
        Lx=Lx,
        Tx=table.Tx[..., starts],
        ex=table.ex[..., starts],
    )


def abridge_life_table(table: LifeTable, open_age: int | None = None) -> LifeTable:
    """Collapse a complete (single-year) table into 0, 1-4, 5-9, ..., ``open_age``+ (default: the highest multiple
    of 5 not above the table's open age)."""
    top = int(table.ages[-1] // 5 * 5) if open_age is None else open_age
    new_ages, _ = abridged_ages(top)
    return regroup_life_table(table, new_ages)
