"""``renkou points ...``: check rule files, score one applicant with the explanation, rank a round.

Thin: options are parsed here, the work is done by the loader, providers, scoring, ranking and output modules.
Heavy imports stay inside the command functions so ``renkou --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from renkou.errors import UserError

if TYPE_CHECKING:
    from renkou.points.explain import Explanation
    from renkou.points.loader import RuleSet

HELP = "积分落户与积分入学：规则校验、单人打分说明、排名与公示名单。\n\nPoints for settlement and school admission: rule checks, one applicant's scored explanation, ranking and the public list."
RULES_HELP = "规则文件 YAML，或内置规则名（见 renkou points rules）。\n\nRules YAML file, or the name of a shipped rule set (see renkou points rules)."
JSON_HELP = "输出一个 JSON 对象。\n\nPrint one JSON object."


def _warn(table_warnings: tuple[tuple[str, str], ...]) -> None:
    for zh, en in table_warnings:
        print(f"警告 / warning: {zh} / {en}", file=sys.stderr)


class _QuietProgress:
    """Stands in for a progress display when stderr is not a terminal (scripts get clean one-line errors)."""

    def __enter__(self) -> _QuietProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, description: str, total: float | None = None) -> int:
        return 0

    def update(self, task: int, description: str) -> None:
        return None


def _progress() -> Any:
    if not sys.stderr.isatty():
        return _QuietProgress()
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def rank_command(
    rules: Annotated[str, typer.Option("--rules", help=RULES_HELP)],
    applicants: Annotated[
        Path, typer.Option("--applicants", help="申请人 CSV（UTF-8 或 GBK）。\n\nApplicants CSV (UTF-8 or GBK).")
    ],
    out: Annotated[
        Path,
        typer.Option("--out", help="排名结果 CSV（身份号码和姓名已脱敏）。\n\nRanking CSV (IDs and names masked)."),
    ],
    quota: Annotated[
        int | None,
        typer.Option(
            "--quota", help="名额，覆盖规则中的年度名额。\n\nNumber of places; overrides the rule set's quota."
        ),
    ] = None,
    public: Annotated[
        Path | None,
        typer.Option(
            "--public",
            help="另写公示名单 CSV（仅录取者，仅脱敏字段）。\n\nAlso write the public list (admitted only, masked fields only).",
        ),
    ] = None,
    points: Annotated[
        Path | None,
        typer.Option(
            "--points", help="另写各指标得分 CSV（供复核）。\n\nAlso write points per indicator (for review)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """按规则打分排名，写出排名结果。

    Score and rank the applicants under a rule set and write the ranking.
    """
    from renkou.points.csvfile import CsvApplicants
    from renkou.points.loader import load_rules
    from renkou.points.output import points_table, public_table, ranking_table, write_csv
    from renkou.points.ranking import rank
    from renkou.points.scoring import score

    rule_set = load_rules(rules)
    with _progress() as progress:
        task = progress.add_task("读取申请人 / reading applicants", total=None)
        table = CsvApplicants(applicants).evidence(rule_set.rules)
        progress.update(task, description="打分排名 / scoring and ranking")
        scores = score(rule_set.rules, table)
        ranked = rank(rule_set.rules, table, scores, quota)
        progress.update(task, description="写出结果 / writing results")
        write_csv(ranking_table(rule_set.rules, table, scores, ranked), out)
        if public is not None:
            write_csv(public_table(rule_set.rules, table, scores, ranked), public)
        if points is not None:
            write_csv(points_table(rule_set.rules, table, scores, ranked), points)
    _warn(table.warnings)
    summary = {
        "rules": rule_set.rules.id,
        "revision": rule_set.rules.revision,
        "rules_sha256": rule_set.sha256,
        "applicants": len(table),
        "eligible": int(scores.eligible.sum()),
        "admitted": int(ranked.admitted.sum()),
        "groups": [vars(g) for g in ranked.groups],
        "out": str(out),
        "public": str(public) if public else None,
        "points": str(points) if points else None,
        "warnings": [{"zh": zh, "en": en} for zh, en in table.warnings],
    }
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
        return
    print(
        f"{rule_set.label}：申请 {summary['applicants']} 人，符合条件 {summary['eligible']} 人，录取 {summary['admitted']} 人 / "
        f"{summary['applicants']} applicants, {summary['eligible']} eligible, {summary['admitted']} admitted"
    )
    for group in ranked.groups:
        name = f"[{group.group}] " if group.group else ""
        places = "不限 / no quota" if group.places is None else str(group.places)
        cutoff = "-" if group.cutoff is None else f"{group.cutoff:g}"
        print(f"{name}名额 / places {places}；录取 / admitted {group.admitted}；录取线 / cut-off {cutoff}")
    print(f"排名已写入 / ranking written to {out}")


def _parse_pairs(pairs: list[str]) -> dict[str, str]:
    record: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UserError(f"参数 {pair!r} 应为 键=值", f"argument {pair!r} should be KEY=VALUE", code="usage")
        record[key.strip()] = value.strip()
    return record


def _print_explanation(rule_set: RuleSet, explanation: Explanation, who: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"{rule_set.rules.zh} / {rule_set.rules.en}（{rule_set.label}） {who}")
    if explanation.gates:
        gates = Table("条件 / gate", "依据 / evidence", "来源 / source", "结果 / result")
        for gate in explanation.gates:
            gates.add_row(
                f"{gate.zh} / {gate.en}", gate.evidence, gate.source, "通过 / pass" if gate.passed else "不通过 / FAIL"
            )
        console.print(gates)
    lines = Table("指标 / indicator", "依据 / evidence", "来源 / source", "分值 / points", "说明 / note")
    for line in explanation.lines:
        note = " / ".join(n for n in (line.note_zh, line.note_en) if n)
        points = f"{line.points:g}" if line.points == line.raw else f"{line.points:g}（原 / raw {line.raw:g}）"
        lines.add_row(f"{line.zh} / {line.en}", line.evidence, line.source, points, note)
    console.print(lines)
    floor = "（已按下限计 / floor applied）" if explanation.floor_applied else ""
    eligible = "符合条件 / eligible" if explanation.eligible else "不符合条件 / NOT eligible"
    console.print(f"合计 / total: {explanation.total:g}{floor}；{eligible}")


def score_command(
    rules: Annotated[str, typer.Option("--rules", help=RULES_HELP)],
    values: Annotated[
        list[str] | None,
        typer.Argument(help="申请人信息 键=值（如 age=30 education=硕士）。\n\nApplicant values KEY=VALUE."),
    ] = None,
    applicants: Annotated[
        Path | None, typer.Option("--applicants", help="从申请人 CSV 中取一人。\n\nTake the applicant from this CSV.")
    ] = None,
    applicant_id: Annotated[
        str | None,
        typer.Option("--id", help="申请人身份号码（与 --applicants 同用）。\n\nApplicant's ID (with --applicants)."),
    ] = None,
    line: Annotated[
        int | None,
        typer.Option("--line", help="申请人所在行号（与 --applicants 同用）。\n\nApplicant's line in the CSV."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """为一名申请人打分，逐项说明依据、分值和封顶。

    Score one applicant and explain each line: evidence, source, points, cap.
    """
    import numpy as np

    from renkou.points.applicants import RecordApplicants
    from renkou.points.csvfile import CsvApplicants
    from renkou.points.explain import explain
    from renkou.points.loader import load_rules
    from renkou.points.masking import mask_id
    from renkou.points.scoring import score

    rule_set = load_rules(rules)
    if applicants is not None:
        if values:
            raise UserError(
                "--applicants 与 键=值 不能同时使用", "--applicants and KEY=VALUE cannot be combined", code="usage"
            )
        if (applicant_id is None) == (line is None):
            raise UserError("请给出 --id 或 --line 之一", "give exactly one of --id and --line", code="usage")
        table = CsvApplicants(applicants).evidence(rule_set.rules)
        if applicant_id is not None:
            try:
                row = table.row_of(applicant_id.strip())
            except KeyError:
                raise UserError(
                    f"文件 {applicants} 中没有申请人 {mask_id(applicant_id)}",
                    f"{applicants} has no applicant {mask_id(applicant_id)}",
                    code="usage",
                ) from None
        else:
            found = np.flatnonzero(table.lines == line)
            if not len(found):
                raise UserError(
                    f"文件 {applicants} 没有第 {line} 行数据", f"{applicants} has no data line {line}", code="usage"
                )
            row = int(found[0])
    else:
        record = _parse_pairs(values or [])
        record.setdefault("applicant_id", "-")
        table = RecordApplicants([record], origin="命令行 / command line").evidence(rule_set.rules)
        row = 0
    _warn(table.warnings)
    explanation = explain(rule_set.rules, table, score(rule_set.rules, table), row)
    who = mask_id(str(table.ids[row].as_py()))
    if as_json:
        print(
            json.dumps(
                {"rules": rule_set.rules.id, "applicant_id_masked": who, **explanation.as_dict()}, ensure_ascii=False
            )
        )
        return
    _print_explanation(rule_set, explanation, who)


def check_command(
    files: Annotated[list[str], typer.Argument(help="规则文件（可多个）。\n\nRule files (one or more).")],
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """校验规则文件：未知键、重叠区间、未知指标、上限低于分值等，报告行号。

    Validate rule files (unknown keys, overlapping bands, unknown indicators, caps below a value ...) with line numbers.
    """
    from renkou.points.loader import RulesError, load_rules

    results: list[dict[str, Any]] = []
    failed: list[RulesError] = []
    for name in files:
        try:
            rule_set = load_rules(name)
        except RulesError as error:
            failed.append(error)
            results.append({"file": str(error.path), "valid": False, "problems": [vars(p) for p in error.problems]})
            if not as_json:
                for problem in error.problems:
                    print(problem.text(error.path), file=sys.stderr)
            continue
        rules = rule_set.rules
        results.append(
            {
                "file": str(rule_set.path),
                "valid": True,
                "id": rules.id,
                "revision": rules.revision,
                "sha256": rule_set.sha256,
            }
        )
        if not as_json:
            print(
                f"{rule_set.path}: 有效 / valid — {rules.id} r{rules.revision}，{rules.city.zh} {rules.year}，"
                f"{len(rules.gates)} 项条件 / gates，{len(rules.indicators)} 项指标 / indicators"
            )
    if as_json:
        print(json.dumps({"files": results}, ensure_ascii=False))
    if failed:
        count = sum(len(e.problems) for e in failed)
        raise UserError(
            f"{len(failed)} 个规则文件无效，共 {count} 处问题（首个：{failed[0].zh}）",
            f"{len(failed)} rule files are invalid, {count} problems (first: {failed[0].en})",
            code="rules",
        )


def rules_command(as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False) -> None:
    """列出内置规则集。

    List the shipped rule sets.
    """
    from renkou.points.loader import load_rules, shipped_rule_sets

    listing = []
    for name in shipped_rule_sets():
        rules = load_rules(name).rules
        listing.append(
            {
                "name": name,
                "city": rules.city.zh,
                "purpose": rules.purpose,
                "year": rules.year,
                "title": rules.zh,
                "sources": [s.title for s in rules.sources],
            }
        )
    if as_json:
        print(json.dumps({"rule_sets": listing}, ensure_ascii=False))
        return
    for item in listing:
        print(f"{item['name']}\t{item['city']}\t{item['purpose']}\t{item['year']}\t{item['title']}")


def register(app: typer.Typer) -> None:
    """Add the ``points`` command group to the main CLI."""
    sub = typer.Typer(help=HELP, no_args_is_help=True, rich_markup_mode=None)
    sub.command(
        "rank",
        help="按规则打分排名，写出排名结果（可另写公示名单）。\n\nScore and rank applicants under a rule set; write the ranking (and the public list).",
    )(rank_command)
    sub.command("score", help="为一名申请人打分并逐项说明。\n\nScore one applicant with a line-by-line explanation.")(
        score_command
    )
    sub.command(
        "check", help="校验规则文件，报告行号和原因。\n\nValidate rule files; report line numbers and reasons."
    )(check_command)
    sub.command("rules", help="列出内置规则集。\n\nList the shipped rule sets.")(rules_command)
    app.add_typer(sub, name="points", help=HELP)
