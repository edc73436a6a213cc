"""Benchmark of the permit lists on a synthetic register: ``python bench/bench_permits.py --holders N``.

Builds (once, in ``--dir``) a register of N synthetic migrants in the ten districts of Hangzhou with residence
registrations and permits issued in 2016-2023, most endorsed on time, some missed, some late, some cancelled, and
times the due and overdue lists for the whole city on one date, and one person's status. Synthetic data only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from datetime import date, timedelta
from pathlib import Path

from renkou.ids.checksum import check_character
from renkou.permits.periods import add_years

DISTRICTS = ("330102", "330105", "330106", "330108", "330109", "330110", "330111", "330112", "330113", "330114")
ORIGINS = ("340104", "341502", "360102", "410105", "420106", "430104", "510104", "520102", "612401", "620102")


def _number(division: str, born: date, serial: int) -> str:
    first17 = f"{division}{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + check_character(first17)


def write_files(folder: Path, holders: int, seed: int = 2016) -> Path:
    """One residence-feed CSV: registration, issue and endorsements of each synthetic holder."""
    rng = random.Random(seed)
    path = folder / "residence-permits.csv"
    seen: set[str] = set()
    with path.open("w", encoding="utf-8") as out:
        out.write("event_type,id_number,occurred_on,residence_region,hukou_region,employment,permit_no\n")
        made = 0
        while made < holders:
            origin = rng.choice(ORIGINS)
            born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 45 * 365))
            number = _number(origin, born, rng.randrange(0, 1000))
            if number in seen:
                continue
            seen.add(number)
            made += 1
            district = rng.choice(DISTRICTS)
            registered = date(2015, 6, 1) + timedelta(days=rng.randrange(0, 8 * 365))
            issued = registered + timedelta(days=190 + rng.randrange(0, 60))
            permit_no = f"{district}{issued.year}{made:07d}"
            out.write(f"residence_registered,{number},{registered},{district},{origin},employed,\n")
            if issued >= date(2024, 6, 1):
                continue
            out.write(f"permit_issued,{number},{issued},,,,{permit_no}\n")
            anchor, year = issued, 1
            while True:
                anniversary = add_years(anchor, year)
                if anniversary > date(2024, 6, 1):
                    break
                luck = rng.random()
                if luck < 0.85:  # on time, within the month before
                    out.write(
                        f"permit_renewed,{number},{anniversary - timedelta(days=rng.randrange(0, 25))},,,,{permit_no}\n"
                    )
                    year += 1
                elif luck < 0.93:  # late: restores and restarts the count
                    late = anniversary + timedelta(days=rng.randrange(5, 200))
                    if late > date(2024, 6, 1):
                        break
                    out.write(f"permit_renewed,{number},{late},,,,{permit_no}\n")
                    anchor, year = late, 1
                elif luck < 0.97:  # cancelled
                    out.write(f"permit_cancelled,{number},{anniversary - timedelta(days=40)},,,,{permit_no}\n")
                    break
                else:  # missed and never endorsed again
                    break
    return path


def main() -> None:
    """Build the register if needed, then time the lists."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--holders", type=int, default=200_000)
    parser.add_argument("--dir", type=Path, default=Path("bench/out/permits"))
    parser.add_argument("--on", default="2024-06-03")
    args = parser.parse_args()

    from renkou.disclosure.notices import load_calendar
    from renkou.permits import lists
    from renkou.permits.rules import load_rules
    from renkou.register.store import Register

    folder = args.dir / f"holders-{args.holders}"
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "register.duckdb"
    result: dict[str, object] = {"holders": args.holders}
    if not db.exists():
        started = time.perf_counter()
        source = write_files(folder, args.holders)
        result["write_file_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        register = Register.open(db, city="330100")
        [summary] = register.ingest([source], today=date(2024, 6, 30))
        register.close()
        result["ingest_s"] = round(time.perf_counter() - started, 2)
        result["events"] = summary.accepted
    on = date.fromisoformat(args.on)
    rules, calendar = load_rules(), load_calendar()
    register = Register.open(db, read_only=True)

    def timed(name: str, started: tuple[float, float]) -> None:
        # Wall time and CPU time (all threads): the machine is shared, so CPU time is the steadier figure.
        result[f"{name}_s"] = round(time.perf_counter() - started[0], 2)
        result[f"{name}_cpu_s"] = round(time.process_time() - started[1], 2)

    def start() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    try:
        began = start()
        entries = lists.collect(register, on, rules, calendar)
        timed("collect", began)
        began = start()
        due = lists.due(entries, on, calendar.add_working_days(on, 10))
        overdue = lists.overdue(entries)
        timed("select", began)
        began = start()
        rows = lists.rows(register, due, on, calendar)
        timed("due_rows", began)
        began = start()
        overdue_rows = lists.rows(register, overdue, on, calendar)
        timed("overdue_rows", began)
        result.update(permits=len(entries), due=len(rows), overdue=len(overdue_rows))
    finally:
        register.close()
    result["load_average_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
