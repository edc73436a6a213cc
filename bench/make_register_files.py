"""Department files for the ingest benchmark: a register of N persons plus five years of events, as UTF-8 CSV.

Written for the benchmark alone (vectorised NumPy + pyarrow, seconds for millions of rows); the realistic synthetic
city with calibrated rates is ``renkou synth``. Usage: ``python bench/make_register_files.py --persons 12000000
--out bench/out/files``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

DISTRICTS = np.array(
    [330102, 330103, 330104, 330105, 330106, 330108, 330109, 330110, 330111, 330112, 330122, 330127, 330182]
)
ORIGINS = np.array([340104, 360102, 410102, 520102, 510104, 430102, 320102, 420102, 330203, 130102])
WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK = np.array(list("10X98765432"))
EPOCH = np.datetime64("1920-01-01")


def ids(division: np.ndarray, born: np.ndarray, serial: np.ndarray) -> pa.Array:
    """Valid 18-character ID numbers (vectorised ISO 7064 MOD 11-2)."""
    days = born.astype("datetime64[D]")
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    months = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    mday = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    first17 = division.astype(np.int64) * 10**11 + (years * 10000 + months * 100 + mday) * 1000 + serial
    total = np.zeros(len(first17), dtype=np.int64)
    rest = first17.copy()
    for position in range(16, -1, -1):
        total += (rest % 10) * WEIGHTS[position]
        rest //= 10
    text = pc.cast(pa.array(first17), pa.string())
    return pc.binary_join_element_wise(text, pa.array(CHECK[total % 11]), "")


def iso(days: np.ndarray) -> pa.Array:
    return pc.strftime(pa.array(days.astype("datetime64[s]")), format="%Y-%m-%d")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("bench/out/files"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    n = args.persons
    n_registered = int(n * 0.68)
    n_floating = n - n_registered
    born = EPOCH + rng.integers(0, 365 * 96, n).astype("timedelta64[D]")  # everyone born before the 2015 baseline
    division = np.where(
        np.arange(n) < n_registered, DISTRICTS[rng.integers(0, len(DISTRICTS), n)], ORIGINS[rng.integers(0, 10, n)]
    )
    # (division, birth date, serial) must be unique: the serial is the person's rank among those sharing the first two.
    group = division.astype(np.int64) * 100_000 + (born - EPOCH).astype(np.int64)
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_group)) + 1]
    rank_sorted = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    serial = np.empty(n, dtype=np.int64)
    # Twice the rank plus a random last digit: unique, and the digit's parity (the sex) is even odds.
    serial[order] = rank_sorted * 2 + rng.integers(0, 2, n)
    if serial.max() >= 1000:
        raise SystemExit("too many persons per division and birth date for 3-digit serials")
    number = ids(division, born, serial)
    sex = pc.if_else(pc.equal(pc.bit_wise_and(pa.array(serial), 1), 1), "M", "F")
    living = DISTRICTS[rng.integers(0, len(DISTRICTS), n)]
    reg = slice(0, n_registered)
    baseline = pa.table(
        {
            "event_type": pa.array(["baseline"] * n_registered),
            "id_number": number[reg],
            "occurred_on": pa.array(["2015-12-31"] * n_registered),
            "sex": sex[reg],
            "birth_date": iso(born[reg]),
            "hukou_region": pc.cast(pa.array(division[reg]), pa.string()),
            "residence_region": pc.cast(pa.array(living[reg]), pa.string()),
            "urban_rural": pa.array(np.where(rng.random(n_registered) < 0.83, "111", "220")),
        }
    )
    pcsv.write_csv(baseline, args.out / "hukou_baseline.csv")
    flo = slice(n_registered, n)
    arrived = np.maximum(
        np.datetime64("2005-01-01") + rng.integers(0, 365 * 15, n_floating).astype("timedelta64[D]"),
        born[n_registered:],
    )
    residence = pa.table(
        {
            "event_type": pa.array(["residence_registered"] * n_floating),
            "id_number": number[flo],
            "occurred_on": iso(arrived),
            "residence_region": pc.cast(pa.array(living[flo]), pa.string()),
        }
    )
    pcsv.write_csv(residence, args.out / "residence_registered.csv")
    # Five years of change events: moves within the city, departures, deaths (about a quarter of persons).
    n_events = n // 4
    who = rng.choice(n_registered, n_events, replace=False)
    when = np.datetime64("2016-01-01") + rng.integers(0, 365 * 5, n_events).astype("timedelta64[D]")
    kind = rng.choice(np.array(["hukou_transfer", "hukou_out", "death"]), n_events, p=[0.6, 0.25, 0.15])
    changes = pa.table(
        {
            "event_type": pa.array(kind),
            "id_number": pc.take(number, pa.array(who)),
            "occurred_on": iso(when),
            "hukou_region": pa.array(
                np.where(
                    kind == "hukou_transfer",
                    DISTRICTS[rng.integers(0, len(DISTRICTS), n_events)].astype(str),
                    np.where(kind == "hukou_out", "310101", ""),
                )
            ),
        }
    )
    pcsv.write_csv(changes, args.out / "hukou_changes.csv")
    print(f"wrote {n} persons and {n_events} change events to {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
