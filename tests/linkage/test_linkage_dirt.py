"""The synthetic dirt "ID missing" keeps the row's identity: the row still says who it is about (renkou.synth.dirt)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from renkou.synth import dirt
from renkou.synth.events import DAY, TRUTH

ONLY_MISSING = dirt.DirtRates(**{kind: 0.0 for kind in dirt.DirtRates.kinds()} | {"id_missing": 1.0})

# Valid numbers: a man born 1986-02-09 (digit 17 is 1, odd), a woman born 1955-05-04 (digit 17 is 0, even).
MAN, WOMAN = "330102198602090017", "330102195505040006"


def _block(**columns: list[str | None]) -> pa.Table:
    base = {
        TRUTH: [MAN, WOMAN],
        "id_number": [MAN, WOMAN],
        "name": ["田乐彬", "黄馨诗"],
        "occurred_on": ["2018-03-01", "2018-03-02"],
        DAY: [17591, 17592],
    }
    # Text columns as the generator materialises them (an empty column is a string column of nulls).
    return pa.table(
        {
            name: pa.array(values, pa.int64() if name == DAY else pa.string())
            for name, values in {**base, **columns}.items()
        }
    )


def test_missing_id_row_states_sex_and_birth_date_from_the_person() -> None:
    table = _block(
        event_type=["residence_left", "residence_left"],
        sex=[None, None],
        birth_date=[None, None],
        residence_region=["330106", None],
    )
    out = dirt.apply(table, ONLY_MISSING, np.random.default_rng(3), excel=False)
    rows = out.table.to_pylist()
    assert out.kinds == ["id_missing", "id_missing"] and out.persons == [MAN, WOMAN]
    assert [r["id_number"] for r in rows] == [None, None]
    # Digits 7-14 of the true number, and the parity of digit 17, worked by hand above; the residence system
    # writes codes (its event types are English).
    assert [r["birth_date"] for r in rows] == ["1986-02-09", "1955-05-04"]
    assert [r["sex"] for r in rows] == ["M", "F"]
    # Everything else the row carried is kept as it was.
    assert [r["name"] for r in rows] == ["田乐彬", "黄馨诗"]
    assert [r["residence_region"] for r in rows] == ["330106", None]
    assert [r["occurred_on"] for r in rows] == ["2018-03-01", "2018-03-02"]
    assert out.table.column_names == table.column_names


def test_chinese_files_get_chinese_labels_and_stated_values_are_kept() -> None:
    table = _block(event_type=["死亡", "学历变更"], sex=["女", None], birth_date=[None, "1955-05-04"])
    rows = dirt.apply(table, ONLY_MISSING, np.random.default_rng(3), excel=False).table.to_pylist()
    # A value the row already states is never overwritten (the first row's sex stays as delivered).
    assert [r["sex"] for r in rows] == ["女", "女"]
    assert [r["birth_date"] for r in rows] == ["1986-02-09", "1955-05-04"]


def test_a_feed_without_identity_columns_gains_none() -> None:
    """人社 and 住建 files declare no sex or birth date: a row there that loses its ID keeps only its name."""
    table = _block(event_type=["employment_changed", "employment_changed"], employment=["20", "21"])
    out = dirt.apply(table, ONLY_MISSING, np.random.default_rng(3), excel=False)
    assert out.table.column_names == table.column_names
    assert out.table.column("id_number").to_pylist() == [None, None]
    assert out.table.column("employment").to_pylist() == ["20", "21"]


def test_other_dirt_is_unchanged_by_the_rule() -> None:
    """Only ID-missing rows are filled: a mistyped ID keeps the row's empty birth date."""
    rates = dirt.DirtRates(**{kind: 0.0 for kind in dirt.DirtRates.kinds()} | {"id_digit": 1.0})
    table = _block(event_type=["residence_left", "residence_left"], sex=[None, None], birth_date=[None, None])
    rows = dirt.apply(table, rates, np.random.default_rng(3), excel=False).table.to_pylist()
    assert all(r["birth_date"] is None and r["sex"] is None for r in rows)
    assert all(r["id_number"] not in (MAN, WOMAN) for r in rows)
