"""Dirt put into department files on purpose, and its ground truth.

Each row gets at most one kind of dirt, with the configured share per kind:
- ``id_digit``: one digit of the ID number changed; ``id_swap``: two adjacent different digits swapped;
  ``id_missing``: the ID number left empty. The row keeps everything else it carries, and where the file's layout
  has a sex or birth-date column that the event row leaves empty (a permit renewal, a death, leaving a residence),
  the row states them, as a department's system prints the person's identity on every row: a row that lost its
  ID number still says who it is about (true to the person; a feed without those columns gains none);
- ``name_traditional``: the name in traditional characters (OpenCC); ``name_homophone``: one character of the given
  name replaced by one that sounds the same (pypinyin);
- ``date_format``: occurred_on written 2020/1/5 or 2020年1月5日, or as an Excel date serial in XLSX files;
- ``duplicate``: the row delivered again in the next file of the same department;
- ``impossible``: a death dated before the person's birth, or a birth dated in the future.
The ground truth names, for every dirty row, the file, the line (as ``renkou ingest`` counts) and the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from renkou.errors import UserError
from renkou.register.feeds import EVENT_TYPES_ZH
from renkou.synth.events import DAY, TRUTH
from renkou.synth.names import homophone_variant, traditional_variant
from renkou.synth.writers import SERIAL

EXCEL_EPOCH_OFFSET = 25569  # days from 1899-12-30 (Excel's day 0) to 1970-01-01


@dataclass(frozen=True)
class DirtRates:
    """Share of rows per kind of dirt."""

    id_digit: float = 0.005
    id_swap: float = 0.005
    id_missing: float = 0.005
    name_traditional: float = 0.005
    name_homophone: float = 0.005
    date_format: float = 0.005
    duplicate: float = 0.005
    impossible: float = 0.0005

    @classmethod
    def kinds(cls) -> tuple[str, ...]:
        """Names of the kinds, in a fixed order."""
        return tuple(f.name for f in fields(cls))

    @property
    def total(self) -> float:
        """Share of rows with any dirt."""
        return sum(getattr(self, kind) for kind in self.kinds())

    @classmethod
    def parse(cls, options: list[str]) -> DirtRates:
        """From ``--dirt`` options: ``RATE`` sets every kind, ``KIND=RATE`` one kind (later options win)."""
        values = {kind: getattr(cls(), kind) for kind in cls.kinds()}
        for option in options:
            kind, _, text = option.rpartition("=")
            try:
                rate = float(text)
            except ValueError:
                raise UserError(f"--dirt 的取值“{option}”不是比例", f"--dirt value '{option}' is not a rate") from None
            if not 0 <= rate <= 0.1:
                raise UserError(
                    f"--dirt 的比例应在 0 到 0.1 之间：{option}", f"--dirt rates must be between 0 and 0.1: {option}"
                )
            if not kind:
                values = {name: rate for name in values}
            elif kind in values:
                values[kind] = rate
            else:
                raise UserError(
                    f"--dirt 的种类“{kind}”未定义（可选：{'、'.join(cls.kinds())}）",
                    f"--dirt kind '{kind}' is unknown (one of: {', '.join(cls.kinds())})",
                )
        rates = cls(**values)
        if rates.total > 0.5:
            raise UserError("--dirt 各项之和不应超过 0.5", "--dirt rates must not sum to more than 0.5")
        return rates


@dataclass
class Dirtied:
    """A block after dirt: the rows to write, the rows to deliver again later, and the truth per dirty row."""

    table: pa.Table
    duplicates: pa.Table
    rows: np.ndarray  # row positions within ``table`` that are dirty
    kinds: list[str]
    persons: list[str]


def _odd_format(iso: str, rng: np.random.Generator) -> str:
    year, month, day = iso.split("-")
    if rng.random() < 0.5:
        return f"{year}/{int(month)}/{int(day)}"
    return f"{year}年{int(month)}月{int(day)}日"


def _id_typos(numbers: list[str], swap: bool, rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    """Mistyped ID numbers (vectorised on their bytes): which could be made, and the results."""
    if not numbers:
        return np.zeros(0, dtype=bool), []
    digits = np.frombuffer("".join(numbers).encode("ascii"), dtype=np.uint8).reshape(len(numbers), 18).copy()
    rows = np.arange(len(numbers))
    if swap:
        # Among positions 0-16 whose next character differs, pick one at random and swap the pair.
        differs = digits[:, :17] != digits[:, 1:18]
        key = np.where(differs, rng.random(differs.shape), -1.0)
        position = key.argmax(axis=1)
        ok = differs[rows, position]
        left = digits[rows, position].copy()
        digits[rows, position] = digits[rows, position + 1]
        digits[rows, position + 1] = left
    else:
        position = rng.integers(0, 17, len(numbers))
        digits[rows, position] = (digits[rows, position] - 48 + rng.integers(1, 10, len(numbers))) % 10 + 48
        ok = np.ones(len(numbers), dtype=bool)
    text = digits.tobytes().decode("ascii")
    return ok, [text[18 * i : 18 * i + 18] for i in range(len(numbers))]


def _identity(
    table: pa.Table, rows: np.ndarray, numbers: list[str], events: list[str]
) -> dict[str, dict[int, str | None]]:
    """Sex and birth date for rows that lose their ID number, where the layout has the column and the row is empty.

    Both come from the true ID number (digits 7-14 are the birth date, the parity of digit 17 the sex), written the
    way the file writes them: Chinese labels in files whose event types are Chinese (公安, 卫健), codes otherwise.
    """
    filled: dict[str, dict[int, str | None]] = {}
    chinese_events = frozenset(EVENT_TYPES_ZH.values())
    for column in ("sex", "birth_date"):
        if column not in table.column_names or len(rows) == 0:
            continue
        present = table.column(column).take(pa.array(rows, pa.int64())).to_pylist()
        values: dict[int, str | None] = {}
        for row, value, number, event in zip(rows.tolist(), present, numbers, events, strict=True):
            if value not in (None, ""):
                continue
            if column == "birth_date":
                values[int(row)] = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
            else:
                male = int(number[16]) % 2 == 1
                if event in chinese_events:
                    values[int(row)] = "男" if male else "女"
                else:
                    values[int(row)] = "M" if male else "F"
        filled[column] = values
    return filled


def apply(table: pa.Table, rates: DirtRates, rng: np.random.Generator, excel: bool) -> Dirtied:
    """Put dirt into one block of rows (the rows keep their order; hidden columns stay)."""
    n = table.num_rows
    kinds = DirtRates.kinds()
    shares = np.array([getattr(rates, kind) for kind in kinds])
    empty = Dirtied(table, table.slice(0, 0), np.zeros(0, dtype=np.int64), [], [])
    if n == 0 or shares.sum() == 0:
        return empty
    which = np.searchsorted(np.cumsum(shares), rng.random(n), side="right")  # len(kinds): clean
    dirty = np.nonzero(which < len(kinds))[0]
    if len(dirty) == 0:
        return empty
    kind_of = which[dirty]
    picked = table.select([TRUTH, "id_number", "name", "occurred_on", "event_type", DAY]).take(pa.array(dirty))
    persons = np.array(picked.column(TRUTH).to_pylist(), dtype=object)
    ids = picked.column("id_number").to_pylist()
    names = picked.column("name").to_pylist()
    occurred = picked.column("occurred_on").to_pylist()
    events = picked.column("event_type").to_pylist()
    days = picked.column(DAY).to_numpy()
    done = np.zeros(len(dirty), dtype=bool)
    new_ids: dict[int, str | None] = {}
    new_names: dict[int, str] = {}
    new_dates: dict[int, str] = {}
    serials: dict[int, int] = {}

    for kind_index, swap in ((kinds.index("id_digit"), False), (kinds.index("id_swap"), True)):
        chosen = np.nonzero(kind_of == kind_index)[0]
        ok, typed = _id_typos([ids[k] for k in chosen], swap, rng)
        for k, good, text in zip(chosen.tolist(), ok.tolist(), typed, strict=True):
            if good:
                new_ids[int(dirty[k])] = text
                done[k] = True
    missing = np.nonzero(kind_of == kinds.index("id_missing"))[0].tolist()
    for k in missing:
        new_ids[int(dirty[k])] = None
        done[k] = True
    identity = _identity(table, dirty[missing], [str(persons[k]) for k in missing], [events[k] for k in missing])
    for kind in ("name_traditional", "name_homophone"):
        for k in np.nonzero(kind_of == kinds.index(kind))[0].tolist():
            name = names[k]
            if name:
                variant = traditional_variant(name) if kind == "name_traditional" else homophone_variant(name, rng)
                if variant is not None:
                    new_names[int(dirty[k])] = variant
                    done[k] = True
    for k in np.nonzero(kind_of == kinds.index("date_format"))[0].tolist():
        if excel and rng.random() < 0.5:
            serials[int(dirty[k])] = int(days[k]) + EXCEL_EPOCH_OFFSET
        else:
            new_dates[int(dirty[k])] = _odd_format(occurred[k], rng)
        done[k] = True
    for k in np.nonzero(kind_of == kinds.index("impossible"))[0].tolist():
        number, event = ids[k], events[k]
        if event in ("death", EVENT_TYPES_ZH["death"]):
            born = np.datetime64(f"{number[6:10]}-{number[10:12]}-{number[12:14]}")
            new_dates[int(dirty[k])] = str(born - np.timedelta64(int(rng.integers(1, 3650)), "D"))
            done[k] = True
        elif event in ("birth", EVENT_TYPES_ZH["birth"]):
            new_dates[int(dirty[k])] = "2099" + occurred[k][4:]
            done[k] = True

    out = _replace(table, "id_number", new_ids)
    out = _replace(out, "name", new_names)
    out = _replace(out, "occurred_on", new_dates)
    for column, values in identity.items():
        out = _replace(out, column, values)
    if excel:
        serial = np.full(n, -1, dtype=np.int64)
        for row, value in serials.items():
            serial[row] = value
        out = out.append_column(SERIAL, pa.array(serial, mask=serial < 0))
    duplicate = kind_of == kinds.index("duplicate")
    duplicates = table.take(pa.array(dirty[duplicate]))
    # A duplicate's truth points at the copy, recorded where the copy is written.
    recorded = done & ~duplicate
    return Dirtied(
        out,
        duplicates,
        dirty[recorded],
        [kinds[i] for i in kind_of[recorded].tolist()],
        persons[recorded].tolist(),
    )


def _replace(table: pa.Table, column: str, values: Mapping[int, str | None]) -> pa.Table:
    if not values:
        return table
    rows = np.array(sorted(values), dtype=np.int64)
    mask = np.zeros(table.num_rows, dtype=bool)
    mask[rows] = True
    replacements = pa.array([values[int(row)] for row in rows], pa.string())
    updated = pc.replace_with_mask(table.column(column).combine_chunks(), pa.array(mask), replacements)
    return table.set_column(table.column_names.index(column), column, updated)
