"""The probabilistic model: a Splink (Fellegi-Sunter) model on DuckDB, trained by EM on the register's pairs."""

from __future__ import annotations

import logging
import math
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from renkou.errors import UserError
from renkou.linkage.settings import LinkSettings

if TYPE_CHECKING:
    from splink.internals.comparison_creator import ComparisonCreator


@dataclass
class ModelResult:
    """Scored candidate pairs (left id, right id, match probability) and how training went."""

    pairs: pa.Table
    converged: bool
    messages: list[str] = field(default_factory=list)
    comparisons: int = 0
    # Wall seconds per stage (guard, u sampling, EM, scoring), for the benchmark.
    stages: dict[str, float] = field(default_factory=dict)
    # Pairs each prediction blocking rule makes on its own (before Splink removes the overlaps).
    per_rule: dict[str, int] = field(default_factory=dict)


def _comparisons() -> list[ComparisonCreator | dict[str, Any]]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_s"),
            cll.ExactMatchLevel("name_s"),
            # Homophone variants share the pinyin.
            cll.ExactMatchLevel("name_py"),
            cll.ExactMatchLevel("surname_py"),
            cll.ElseLevel(),
        ],
    )
    return [
        # One changed digit or two swapped digits are one Damerau-Levenshtein edit. No exact level (an exact number
        # is taken by the rules before the model) and none for two edits: two
        # valid numbers always differ in at least two places (the check character catches any single change), so
        # a neighbour born the same day in the same district is two edits away and says nothing.
        cl.CustomComparison(
            output_column_name="id_number",
            comparison_levels=[
                cll.NullLevel("id_number"),
                cll.DamerauLevenshteinLevel("id_number", 1),
                cll.ElseLevel(),
            ],
        ),
        name,
        # A birth date read from a mistyped ID number carries the typo: one changed digit or two swapped digits,
        # one Damerau-Levenshtein edit. Plain Levenshtein counts a swap as two edits and puts it in the "else" level,
        # whose m EM drives to ~0 once most matches agree exactly: every swap inside the birth part was then vetoed.
        cl.DamerauLevenshteinAtThresholds("birth_date", [1]),
        cl.ExactMatch("sex"),
        cl.ExactMatch("region"),
    ]


def pairs_per_rule(connection: object, left: str, right: str, rules: list[list[str]]) -> dict[str, int]:
    """How many pairs each blocking rule generates on its own (sum over keys of left count x right count)."""
    counts: dict[str, int] = {}
    for rule in rules:
        keys = ", ".join(rule)
        not_null = " AND ".join(f"{c} IS NOT NULL" for c in rule)
        sql = (
            f"SELECT coalesce(sum(l.n * r.n), 0) FROM (SELECT {keys}, count(*) n FROM {left} WHERE {not_null} "
            f"GROUP BY ALL) l JOIN (SELECT {keys}, count(*) n FROM {right} WHERE {not_null} GROUP BY ALL) r "
            f"USING ({keys})"
        )
        counts["+".join(rule)] = int(connection.execute(sql).fetchall()[0][0])  # type: ignore[attr-defined]
    return counts


def score(left: pa.Table, right: pa.Table, settings: LinkSettings) -> ModelResult:
    """Train the model on left x right pairs and score the blocked candidate pairs above the lower threshold."""
    with tempfile.TemporaryDirectory(prefix="renkou-link-") as spill:
        return _score(left, right, settings, spill)


def _score(left: pa.Table, right: pa.Table, settings: LinkSettings, spill: str) -> ModelResult:
    import duckdb
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink.internals.expectation_maximisation import _max_change_in_parameters_comparison_levels

    logging.getLogger("splink").setLevel(logging.WARNING)
    connection = duckdb.connect()
    # Bounded memory: past the limit, joins and sorts spill to a private temporary folder.
    connection.execute(f"SET memory_limit = '{settings.memory_limit}'")
    connection.execute(f"SET temp_directory = '{spill}'")
    connection.register("left_in", left)
    connection.register("right_in", right)
    # Guard before any pair is made: a file whose IDs are mostly missing must not explode the comparisons.
    stages: dict[str, float] = {}
    clock = time.perf_counter()
    per_rule = pairs_per_rule(connection, "left_in", "right_in", settings.blocking_rules)
    # EM learns the m probabilities from a sample of the file: its cost then does not grow with the file (the
    # scoring still covers every row).
    training_left = _training_sample(left, settings.max_training_records)
    connection.register("training_in", training_left)
    training = pairs_per_rule(connection, "training_in", "right_in", settings.training_blocking_rules)
    budget = settings.max_pairs_per_record * max(left.num_rows, 1)
    training_budget = settings.max_pairs_per_record * max(training_left.num_rows, 1)
    checks = [(rule, count, budget) for rule, count in per_rule.items()]
    checks += [(rule, count, training_budget) for rule, count in training.items()]
    for rule, count, limit in checks:
        if count > limit:
            raise UserError(
                f"分块规则 {rule} 产生 {count:,} 对比较，超过上限 {limit:,.0f}（max_pairs_per_record）",
                f"blocking rule {rule} generates {count:,} comparisons, above the limit {limit:,.0f} "
                "(max_pairs_per_record)",
            )
    messages: list[str] = []
    if left.num_rows == 0 or right.num_rows == 0:
        empty = pa.table(
            {
                "left_id": pa.array([], pa.string()),
                "right_id": pa.array([], pa.string()),
                "match_probability": pa.array([], pa.float64()),
            }
        )
        return ModelResult(empty, True, ["nothing to link"], 0)
    db_api = DuckDBAPI(connection)
    creator = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=_comparisons(),
        blocking_rules_to_generate_predictions=[block_on(*rule) for rule in settings.blocking_rules],
        # Each left row has at most one true person among all persons.
        probability_two_random_records_match=1.0 / right.num_rows,
        max_iterations=settings.max_iterations,
        em_convergence=settings.em_convergence,
    )
    right_frame = db_api.register(right, table_name="linkage_right")
    frames = [db_api.register(left, table_name="linkage_left"), right_frame]
    sampled = training_left.num_rows < left.num_rows
    training_frames = (
        [db_api.register(training_left, table_name="linkage_training"), right_frame] if sampled else frames
    )
    linker = Linker(training_frames, creator, log_level=None)
    stages["guard"], clock = time.perf_counter() - clock, time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=settings.max_pairs_for_u, seed=1)
    stages["u"], clock = time.perf_counter() - clock, time.perf_counter()
    converged = True
    trained = 0
    for training_rule in settings.training_blocking_rules:
        name = "+".join(training_rule)
        # A rule that makes no pairs (e.g. every row left is for a person the register does not know, as after the
        # auto-links are applied) has nothing to train on: Splink would raise. The other rules still train.
        if training[name] == 0:
            messages.append(f"EM on {name} skipped: the rule makes no pairs")
            continue
        before = linker.misc.save_model_to_json()
        try:
            with _zero_estimates_allowed():
                session = linker.training.estimate_parameters_using_expectation_maximisation(block_on(*training_rule))
        except Exception as error:
            # Any failure of EM is reported, never a crash of the run; the failed session's estimates are dropped
            # (the model goes back to its state before the session).
            converged = False
            first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
            messages.append(f"EM on {name} failed: {first_line}")
            linker = Linker(training_frames, before, log_level=None)
            continue
        if _not_finite(linker.misc.save_model_to_json()):
            # A block without any true match (e.g. every row left is for a person the register does not know)
            # gives EM 0/0 for the m probabilities: NaN, which Splink cannot even write into its scoring SQL.
            converged = False
            messages.append(f"EM on {name} failed: estimates not finite (the block holds no true match)")
            linker = Linker(training_frames, before, log_level=None)
            continue
        trained += 1
        history = session._core_model_settings_history
        change = _max_change_in_parameters_comparison_levels(history)["max_abs_change_value"] if history else 0.0
        if not (change < settings.em_convergence):
            converged = False
            messages.append(f"EM on {name} did not converge (last change {change})")
    if trained == 0:
        converged = False
        messages.append("EM had no pairs to train on under any training rule: the model is untrained")
    if sampled:
        # The trained model scores the whole file.
        linker = Linker(frames, linker.misc.save_model_to_json(), log_level=None)
    stages["em"], clock = time.perf_counter() - clock, time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=settings.lower_threshold)
    pairs = connection.sql(
        f"SELECT unique_id_l AS left_id, unique_id_r AS right_id, match_probability FROM {predictions.physical_name}"
    ).to_arrow_table()
    connection.close()  # before its spill folder goes
    stages["predict"] = time.perf_counter() - clock
    return ModelResult(pairs, converged, messages, sum(per_rule.values()), stages, per_rule)


def _training_sample(left: pa.Table, limit: int) -> pa.Table:
    """At most ``limit`` rows of ``left``, drawn at random (fixed seed: a run is reproducible), in their order."""
    if left.num_rows <= limit:
        return left
    import numpy as np

    rows = np.sort(np.random.default_rng(1).choice(left.num_rows, size=limit, replace=False))
    return left.take(pa.array(rows))


def _not_finite(model: dict[str, Any]) -> bool:
    """Whether a saved Splink model holds a probability that is NaN or infinite."""
    values: list[object] = [model.get("probability_two_random_records_match")]
    for comparison in model.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            values += [level.get("m_probability"), level.get("u_probability")]
    return any(isinstance(v, float) and not math.isfinite(v) for v in values)


@contextmanager
def _zero_estimates_allowed() -> Iterator[None]:
    """Let EM store an estimate of exactly 0 (a level EM gives no weight among matches, or among non-matches).

    Splink 5 refuses probabilities below 1e-300 when they are set, meant for values a user writes, and raises
    it too when EM's own estimate underflows to 0, which stops training. Its match weights clamp m and u to 1e-300
    anyway (``ComparisonLevel._match_weight``), so an EM estimate of 0 is used exactly as Splink intends: the
    check is lifted for the duration of one EM session and put back after it.
    """
    from splink.internals import comparison_level

    check = comparison_level._validate_m_u_probability
    comparison_level._validate_m_u_probability = lambda *args, **kwargs: None
    try:
        yield
    finally:
        comparison_level._validate_m_u_probability = check
