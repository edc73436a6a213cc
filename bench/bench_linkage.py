"""Benchmark: link N dirty records against a register of P persons (bar: 1M against 12M in under 10 minutes).

The register is built from the ingest benchmark's files (``bench/make_register_files.py``, reused when present);
those files carry no names, so the benchmark gives every person a synthetic name (common surname + two given-name
characters) before linking. The N records are persons drawn from the register with dirt: 40% one changed ID digit,
40% two adjacent digits swapped, 20% ID missing (birth date, sex and region kept); 10% of names in traditional
characters. Precision and recall of the auto-links are measured against the drawn persons.

Usage: ``python bench/bench_linkage.py --persons 12000000 --records 1000000`` (full size, by hand) or
``--persons 100000 --records 10000`` (small).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志鹏宇浩然子轩欣怡梓涵一诺思雨俊博文晨")
FILES = ("hukou_baseline.csv", "residence_registered.csv", "hukou_changes.csv")


def cpu_seconds() -> float:
    """User + system CPU time of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def register_db(persons: int, workdir: Path) -> Path:
    """A register of ``persons`` persons (built once, then reused)."""
    from renkou.register.store import Register

    db = workdir / f"link-register-{persons}.duckdb"
    if db.exists():
        return db
    files = workdir / f"files-{persons}"
    if not (files / FILES[-1]).exists():
        maker = Path(__file__).with_name("make_register_files.py")
        subprocess.run([sys.executable, str(maker), "--persons", str(persons), "--out", str(files)], check=True)
    register = Register.open(db, city="330100")
    register.ingest([files / name for name in FILES], today=date(2021, 1, 1))
    register.close()
    return db


def synthetic_names(count: int, rng: np.random.Generator) -> list[str]:
    """Names for persons of the benchmark register (its files carry none)."""
    surname = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), count)]
    first = np.array(GIVEN)[rng.integers(0, len(GIVEN), count)]
    second = np.array(GIVEN)[rng.integers(0, len(GIVEN), count)]
    one_char = rng.random(count) < 0.3
    return [s + f + ("" if o else t) for s, f, t, o in zip(surname, first, second, one_char, strict=True)]


def dirty(right: pa.Table, records: int, rng: np.random.Generator) -> tuple[pa.Table, list[str]]:
    """Left records drawn from persons with dirt, and the true person of each."""
    import opencc

    to_traditional = opencc.OpenCC("s2t")
    picks = rng.choice(right.num_rows, size=records, replace=False)
    chosen = right.take(pa.array(picks)).to_pylist()
    kinds = rng.choice(3, size=records, p=[0.4, 0.4, 0.2])
    rows = []
    for i, (person, kind) in enumerate(zip(chosen, kinds, strict=True)):
        number = list(person["id_number"])
        if kind == 0:
            position = int(rng.integers(0, 17))
            number[position] = str((int(number[position]) + int(rng.integers(1, 10))) % 10)
            typed: str | None = "".join(number)
        elif kind == 1:
            positions = [p for p in range(16) if number[p] != number[p + 1]]
            position = positions[int(rng.integers(0, len(positions)))]
            number[position], number[position + 1] = number[position + 1], number[position]
            typed = "".join(number)
        else:
            typed = None
        name = person["name"]
        if rng.random() < 0.1:
            name = to_traditional.convert(name)
        rows.append(
            {
                "unique_id": f"L{i}",
                "id_number": typed,
                "name": name,
                "sex": person["sex"] if kind == 2 else None,
                "birth_date": person["birth_date"] if kind == 2 else None,
                "region": person["region"],
            }
        )
    return pa.Table.from_pylist(rows), [p["unique_id"] for p in chosen]


def main() -> None:
    """Run the benchmark and write bench/RESULTS_linkage.md."""
    import pyarrow.compute as pc

    from renkou.linkage.decide import AUTO, REVIEW, decide_table
    from renkou.linkage.model import score
    from renkou.linkage.records import right_records
    from renkou.linkage.run import _features
    from renkou.linkage.settings import LinkSettings
    from renkou.register.store import Register

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, default=Path("bench/out"))
    parser.add_argument("--results", type=Path, default=Path("bench/RESULTS_linkage.md"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    built = time.perf_counter()
    db = register_db(args.persons, args.workdir)
    print(f"register ready: {time.perf_counter() - built:.1f} s wall", flush=True)
    load_before = os.getloadavg()[0]
    timings: dict[str, tuple[float, float]] = {}

    def timed(label: str, started: float, cpu: float) -> None:
        timings[label] = (time.perf_counter() - started, cpu_seconds() - cpu)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(
            f"{label}: {timings[label][0]:.1f} s wall, {timings[label][1]:.1f} s CPU, peak so far {peak:.2f} GiB, "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )

    register = Register.open(db, read_only=True)
    t, c = time.perf_counter(), cpu_seconds()
    right = right_records(register.engine, register.keys)
    register.close()
    timed("persons decrypted and assembled", t, c)
    right = right.set_column(right.column_names.index("name"), "name", pa.array(synthetic_names(right.num_rows, rng)))
    left, truth = dirty(right, args.records, rng)
    t_all, c_all = time.perf_counter(), cpu_seconds()
    t, c = t_all, c_all
    left_f, right_f = _features(left, right)
    n_persons = right.num_rows
    del right  # the comparison records replace the base columns (memory)
    timed("comparison features (names to simplified and pinyin)", t, c)
    t, c = time.perf_counter(), cpu_seconds()
    settings = LinkSettings()
    result = score(left_f, right_f, settings)
    timed("Splink: u sampling, EM, blocking and scoring", t, c)
    print("  Splink stages (wall s): " + ", ".join(f"{k} {v:.1f}" for k, v in result.stages.items()), flush=True)
    print("  pairs per rule: " + ", ".join(f"{k} {v:,}" for k, v in result.per_rule.items()), flush=True)
    t, c = time.perf_counter(), cpu_seconds()
    decided = decide_table(
        left["unique_id"],
        result.pairs,
        upper=settings.upper_threshold,
        lower=settings.lower_threshold,
        converged=result.converged,
        margin_bits=settings.margin_bits,
    )
    timed("decisions", t, c)
    timed("linkage in all (features + model + decisions)", t_all, c_all)
    truth_column = pa.array(truth, pa.string())
    is_auto = pc.equal(decided["decision"], AUTO)
    is_true = pc.fill_null(pc.equal(decided["right_id"], truth_column), False)
    n_auto = int(pc.sum(is_auto).as_py() or 0)
    correct = int(pc.sum(pc.and_(is_auto, is_true)).as_py() or 0)
    review = int(pc.sum(pc.equal(decided["decision"], REVIEW)).as_py() or 0)
    has_id = pc.is_valid(left["id_number"])
    typo_correct = int(pc.sum(pc.and_(pc.and_(is_auto, is_true), has_id)).as_py() or 0)
    typo_total = int(pc.sum(has_id).as_py() or 0)
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    lines = [
        "# Linkage benchmark",
        "",
        f"`python bench/bench_linkage.py --persons {args.persons} --records {args.records}` on {platform.node()} "
        f"({os.cpu_count()} cores, shared; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after).",
        "",
        f"{args.records:,} dirty records against {n_persons:,} persons; {result.comparisons:,} blocked pairs "
        f"(sum over rules); EM converged: {result.converged}.",
        "",
        "| step | wall s | CPU s |",
        "|---|---:|---:|",
        *(f"| {label} | {w:.1f} | {cpu:.1f} |" for label, (w, cpu) in timings.items()),
        "",
        "- Splink stages (wall s): " + ", ".join(f"{k} {v:.1f}" for k, v in result.stages.items()),
        "- pairs per blocking rule: " + ", ".join(f"{k} {v:,}" for k, v in result.per_rule.items()),
        f"- auto-linked {n_auto:,}, precision {correct / max(n_auto, 1):.4%}",
        f"- recall (all records) {correct / args.records:.2%}; records with a mistyped ID {typo_correct / typo_total:.2%}",
        f"- sent to review {review / args.records:.2%}",
        f"- peak resident memory of the process {peak_gib:.2f} GiB (ru_maxrss)",
        "",
        "Bar: 1M records against 12M persons in under 10 minutes (linkage in all); the full-size run is done by the "
        "lead. The register build (ingest) is not timed here: see bench_ingest.",
    ]
    args.results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
