"""``renkou synth``: write the department files of a synthetic city."""

from __future__ import annotations

import json
from pathlib import Path

import typer

HELP = (
    "生成合成城市的各部门数据文件（户籍 GBK CSV、卫健 XLSX、居住登记 JSON Lines、民政与住建 CSV、人社 Parquet），"
    "并在 OUT/truth/ 下写出故意加入的脏数据的真实对照。\n\n"
    "Write the department files of a synthetic city (hukou GBK CSV, health XLSX, residence JSON lines, civil and "
    "housing CSV, HRSS Parquet), calibrated to the city's published 2020 figures, plus the ground truth of the dirt "
    "put in on purpose under OUT/truth/."
)
DIRT_HELP = (
    "脏数据比例：RATE 设定全部种类，KIND=RATE 设定一种（可重复；0 为干净数据）。种类：id_digit id_swap id_missing "
    "name_traditional name_homophone date_format duplicate impossible。\n\n"
    "Dirt rates: RATE sets every kind, KIND=RATE one kind (repeatable, comma-separated allowed; 0 gives a clean "
    "city). Default 0.005 each, impossible 0.0005."
)


def synth_command(
    city: str = typer.Option("hangzhou-2020", "--city", help="城市。\n\nCity (hangzhou-2020)."),
    scale: float = typer.Option(0.1, "--scale", help="规模（1 为实际人口）。\n\nScale (1 = the real population)."),
    out: Path = typer.Option(..., "--out", help="输出目录。\n\nOutput directory."),
    seed: int = typer.Option(1, "--seed", help="随机种子。\n\nRandom seed (same seed, same bytes)."),
    dirt: list[str] | None = typer.Option(None, "--dirt", help=DIRT_HELP),
    force: bool = typer.Option(
        False, "--force", help="覆盖已有的部门文件。\n\nReplace department files already in OUT."
    ),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出摘要。\n\nPrint the summary as one JSON object."),
) -> None:
    """Generate the synthetic city with a progress bar."""
    from dataclasses import asdict

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from renkou.synth.city import generate
    from renkou.synth.dirt import DirtRates

    options = [part for value in (dirt or []) for part in value.split(",") if part]
    rates = DirtRates.parse(options)
    columns = (
        TextColumn("合成城市 / synthetic city"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True, disable=as_json) as bar:
        task = bar.add_task("synth", total=1)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summary = generate(out, city=city, scale=scale, seed=seed, dirt=rates, force=force, progress=advance)
    if as_json:
        print(json.dumps(asdict(summary), ensure_ascii=False))
        return
    rows = sum(summary.files.values())
    print(f"已写出 {len(summary.files)} 个文件、{rows} 行，{summary.persons} 人，用时 {summary.seconds:.1f} 秒")
    print(
        f"wrote {len(summary.files)} files, {rows} rows, {summary.persons} persons in {summary.seconds:.1f} s -> {out}"
    )
    print(f"dirty rows: {summary.dirty_rows} (truth in {out / 'truth' / 'dirt.parquet'})")


def register(app: typer.Typer) -> None:
    """Add ``renkou synth``."""
    app.command("synth", help=HELP)(synth_command)
