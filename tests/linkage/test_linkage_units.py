"""Unit tests: name and ID features, bulk decryption, rules, decisions, settings."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pytest

from renkou.errors import UserError
from renkou.ids.checksum import check_character
from renkou.linkage.decide import AUTO, REVIEW, UNLINKED, decide
from renkou.linkage.features import clean_sex, pinyin_key, simplified
from renkou.linkage.rules import candidate_number, deterministic_links
from renkou.linkage.secrets_io import decrypt_column, quarantine_nonce
from renkou.linkage.settings import LinkSettings, load_settings
from renkou.register import ingest
from renkou.register.identity import decrypt_one, encrypt_stream


def test_traditional_name_folds_to_simplified() -> None:
    assert simplified("張偉國") == "张伟国"
    assert simplified("歐陽 娜娜") == "欧阳娜娜"
    assert simplified("阿依·买买提") == "阿依买买提"


def test_homophones_share_pinyin_and_different_names_do_not() -> None:
    assert pinyin_key("张伟") == pinyin_key("张玮") == "zhang wei"
    assert pinyin_key("张伟") == pinyin_key("章伟")  # a homophone surname too
    assert pinyin_key("张伟") != pinyin_key("王伟")


def test_sex_codes() -> None:
    assert [clean_sex(v) for v in ("男", "女", "M", "2", "?", None)] == ["M", "F", "M", "F", None, None]


def test_single_digit_change_never_gives_another_valid_number() -> None:
    """Why the model has no two-edit level: valid numbers are at least two edits apart (MOD 11-2 check)."""
    rng = random.Random(7)
    for _ in range(2000):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        number = body + check_character(body)
        position = rng.randrange(17)
        digit = str((int(body[position]) + rng.randrange(1, 10)) % 10)
        changed = body[:position] + digit + body[position + 1 :]
        assert check_character(changed) != number[17]


def test_bulk_decryption_matches_row_by_row() -> None:
    rng = random.Random(3)
    texts = ["".join(rng.choice("张王李0123456789\x1f") for _ in range(rng.randrange(0, 40))) for _ in range(300)]
    key, nonce = bytes(range(32)), bytes(range(16))
    ciphertexts, offsets = encrypt_stream(pa.array(texts), key, nonce)
    # Drop some rows, as happens when only part of a stream is read back.
    keep = [i for i in range(300) if i % 7 != 3]
    picked_c = ciphertexts.take(pa.array(keep))
    picked_o = offsets.take(pa.array(keep))
    bulk = decrypt_column(picked_c, picked_o, key, nonce)
    one_by_one = [decrypt_one(c.as_py(), o.as_py(), key, nonce) for c, o in zip(picked_c, picked_o, strict=True)]
    assert bulk == one_by_one == [texts[i] for i in keep]


def test_quarantine_nonce_is_the_registers() -> None:
    nonce = bytes(range(16))
    assert quarantine_nonce(nonce) == ingest._quarantine_nonce(nonce)


def test_rules_exact_and_upgraded_15() -> None:
    assert candidate_number("11010519491231002X") == ("11010519491231002X", "exact_id")
    # GB 11643 example: 15-digit 110105491231002 upgrades to 11010519491231002X.
    assert candidate_number("110105491231002") == ("11010519491231002X", "upgraded_15")
    assert candidate_number("12345") == (None, None)
    assert candidate_number(None) == (None, None)
    left = pa.table({"unique_id": ["a", "b", "c"], "id_number": ["110105491231002", "11010519491231002X", None]})
    right = pa.table({"unique_id": ["P1"], "id_number": ["11010519491231002X"]})
    assert deterministic_links(left, right) == {"a": ("P1", "upgraded_15"), "b": ("P1", "exact_id")}


def test_decisions() -> None:
    pairs = [
        ("clear", "P1", 0.999),
        ("low", "P2", 0.7),
        ("ambiguous", "P3", 0.999),
        ("ambiguous", "P4", 0.6),
        ("distinct", "P6", 0.9999999),
        ("distinct", "P7", 0.6),
        ("noise", "P5", 0.2),
    ]
    ids = ["clear", "low", "ambiguous", "distinct", "noise", "none", "ruled"]
    out = {
        d.left_id: d
        for d in decide(ids, pairs, upper=0.99, lower=0.5, converged=True, rules={"ruled": ("P9", "exact_id")})
    }
    assert (out["clear"].decision, out["clear"].right_id) == (AUTO, "P1")
    assert out["low"].decision == REVIEW
    # 0.999 vs 0.6: under 10 bits apart, a clerk decides; 0.9999999 vs 0.6: 22 bits apart, linked.
    assert (out["ambiguous"].decision, out["ambiguous"].right_id) == (REVIEW, "P3")
    assert (out["distinct"].decision, out["distinct"].right_id) == (AUTO, "P6")
    assert out["noise"].decision == UNLINKED and out["none"].decision == UNLINKED
    assert (out["ruled"].decision, out["ruled"].method) == (AUTO, "exact_id")
    # A model that did not converge auto-links nothing; the rules still apply.
    unconverged = {
        d.left_id: d.decision
        for d in decide(ids, pairs, upper=0.99, lower=0.5, converged=False, rules={"ruled": ("P9", "exact_id")})
    }
    assert unconverged["clear"] == REVIEW and unconverged["ruled"] == AUTO


def test_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "link.yaml"
    path.write_text("upper_threshold: 0.995\nblocking_rules: [[id_ab], [birth_date, sex]]\n", encoding="utf-8")
    settings = load_settings(path)
    assert settings.upper_threshold == 0.995 and settings.blocking_rules == [["id_ab"], ["birth_date", "sex"]]
    assert settings.lower_threshold == LinkSettings().lower_threshold
    for bad, named in (
        ("upper_threshold: 0.3\nlower_threshold: 0.6\n", "lower_threshold"),
        ("blocking_rules: [[shoe_size]]\n", "shoe_size"),
        ("upper_treshold: 0.9\n", "upper_treshold"),
        ("- a list\n", "mapping"),
    ):
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(UserError, match=named):
            load_settings(path)


def test_decide_table_agrees_with_decide_on_random_pairs() -> None:
    """The set-based twin gives exactly the row-by-row decisions (ties, margins, rules, thresholds)."""
    from renkou.linkage.decide import decide_table

    rng = random.Random(3)
    lefts = [f"L{i}" for i in range(400)]
    levels = [0.2, 0.5, 0.6, 0.9, 0.99, 0.995, 0.999, 0.9999, 0.999999, 1.0]
    pairs = [(left, f"P{rng.randrange(30)}", rng.choice(levels)) for left in lefts for _ in range(rng.randrange(4))]
    rules = {left: (f"P{rng.randrange(30)}", "exact_id") for left in rng.sample(lefts, 40)}
    for converged in (True, False):
        expected = decide(lefts, pairs, upper=0.99, lower=0.5, converged=converged, rules=rules, margin_bits=10)
        table = decide_table(
            pa.array(lefts),
            pa.table(
                {
                    "left_id": [p[0] for p in pairs],
                    "right_id": [p[1] for p in pairs],
                    "match_probability": [p[2] for p in pairs],
                }
            ),
            upper=0.99,
            lower=0.5,
            converged=converged,
            rules=pa.table(
                {
                    "left_id": list(rules),
                    "right_id": [v[0] for v in rules.values()],
                    "method": [v[1] for v in rules.values()],
                }
            ),
            margin_bits=10,
        )
        got = list(
            zip(
                *(table[c].to_pylist() for c in ("left_id", "right_id", "probability", "method", "decision")),
                strict=True,
            )
        )
        assert got == [(d.left_id, d.right_id, d.probability, d.method, d.decision) for d in expected]
        assert {d.decision for d in expected} == {AUTO, REVIEW, UNLINKED}


def test_memory_limit_setting_is_checked() -> None:
    assert LinkSettings(memory_limit="512MB").memory_limit == "512MB"
    with pytest.raises(ValueError, match="memory_limit"):
        LinkSettings(memory_limit="lots")


def test_training_sample_is_bounded_reproducible_and_in_order() -> None:
    from renkou.linkage.model import _training_sample

    table = pa.table({"unique_id": [f"r{i}" for i in range(1000)], "n": list(range(1000))})
    assert _training_sample(table, 1000) is table  # small files train on every row
    sample = _training_sample(table, 100)
    again = _training_sample(table, 100)
    positions = sample["n"].to_pylist()
    assert sample.num_rows == 100 and len(set(positions)) == 100
    assert positions == sorted(positions) and positions == again["n"].to_pylist()
