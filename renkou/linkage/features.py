"""Comparison records: the columns Splink compares, built the same way for quarantined rows and for persons.

Names are compared in simplified characters (traditional variants fold onto them) and in toneless pinyin (a
homophone variant keeps its pinyin). ID numbers keep their typos. A number is three parts: division A (6), birth date B (8),
sequence and check C (4). One changed digit leaves two parts intact, so blocking on A+B, B+C, A+year+C and
A+month-day+C finds the person behind it, with blocks of a few dozen persons even in a city of millions (a key on
a shorter prefix would put a whole district's decade in one block). A swap of two adjacent digits inside one of
those parts leaves another key intact; only a swap across a boundary (A|B at digits 6-7, year|month at 10-11, B|C
at 14-15) breaks them all, so for each boundary the number with that pair written in sorted order is a key too:
a swap there leaves it unchanged, and every other digit must agree (blocks of one or two persons). It costs a few
substrings per row, where the sorted digits of the whole number it replaces cost ~3.5 s CPU per million rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pyarrow as pa

from renkou.ids.normalise import normalise

SEX_CODES = {"男": "M", "女": "F", "M": "M", "F": "F", "1": "M", "2": "F"}

# Columns every side provides before features are derived (all strings, null when unknown).
BASE_COLUMNS = ("unique_id", "id_number", "name", "sex", "birth_date", "region")


@lru_cache(maxsize=1)
def _converter() -> object:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def _char_simplified(char: str) -> str:
    converted: str = _converter().convert(char)  # type: ignore[attr-defined]
    return converted


@lru_cache(maxsize=65536)
def _char_pinyin(char: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(char))


def simplified(name: str) -> str:
    """The name in simplified characters, without spaces or the middle dot of transliterated names.

    Converted character by character (cached): names are not phrases, and this is what makes millions affordable.
    """
    return "".join(_char_simplified(c) for c in name if not c.isspace() and c not in "·•")


def pinyin_key(name: str) -> str:
    """Toneless pinyin of a (simplified) name, syllables joined by spaces: homophones share it.

    Character by character, so a polyphonic character always reads the same way on both sides of a comparison.
    """
    return " ".join(_char_pinyin(c) for c in name)


def name_features(names: Iterable[str]) -> pa.Table:
    """For each distinct name: its simplified form, pinyin and surname pinyin (computed once per distinct name)."""
    rows: dict[str, tuple[str, str, str]] = {}
    for name in names:
        if name in rows:
            continue
        plain = simplified(name)
        syllables = pinyin_key(plain)
        rows[name] = (plain, syllables, syllables.split(" ", 1)[0] if syllables else "")
    return pa.table(
        {
            "name": pa.array(list(rows), pa.string()),
            # An empty name is unknown (null), never a shared blocking key.
            "name_s": pa.array([v[0] or None for v in rows.values()], pa.string()),
            "name_py": pa.array([v[1] or None for v in rows.values()], pa.string()),
            "surname_py": pa.array([v[2] or None for v in rows.values()], pa.string()),
        }
    )


def clean_id(text: object) -> str | None:
    """An ID number as typed, normalised (whitespace, full-width, x); ``None`` when empty."""
    if text is None:
        return None
    number = normalise(str(text))
    return number or None


def clean_sex(text: object) -> str | None:
    """``M``/``F`` from the codes departments use; ``None`` when unknown."""
    return SEX_CODES.get(str(text).strip()) if text is not None else None


def _pair_sorted(position: int) -> str:
    """The number with its digits ``position`` and ``position + 1`` (1-based) in sorted order: a swap of that pair
    leaves it unchanged."""
    left, right = f"substr(n, {position}, 1)", f"substr(n, {position + 1}, 1)"
    return f"substr(n, 1, {position - 1}) || least({left}, {right}) || greatest({left}, {right}) || substr(n, {position + 2})"


def _key(expression: str) -> str:
    """A blocking key computed from the 18-character number ``n`` (null for any other length)."""
    return f"CASE WHEN length(b.id_number) = 18 THEN {expression.replace('(n,', '(b.id_number,')} END"


def features_sql(base: str, names: str) -> str:
    """SQL deriving the compared columns from a table of :data:`BASE_COLUMNS` and the name feature table."""
    # Birth date and sex fall back to what the ID number says (typos included: the comparison tolerates them).
    # Compared as eight digits yyyymmdd, as the ID number writes them: a swap of two digits across the year/month or
    # month/day boundary is then one Damerau-Levenshtein edit, not two (a hyphen between them would hide it).
    birth_from_id = "CASE WHEN length(b.id_number) = 18 THEN substr(b.id_number, 7, 8) END"
    stated = (
        "coalesce(strftime(TRY_CAST(b.birth_date AS DATE), '%Y%m%d'), "
        "nullif(regexp_replace(b.birth_date, '[^0-9]', '', 'g'), ''))"
    )
    sex_from_id = (
        "CASE WHEN length(b.id_number) = 18 AND regexp_matches(substr(b.id_number, 17, 1), '[0-9]') THEN "
        "CASE WHEN CAST(substr(b.id_number, 17, 1) AS INTEGER) % 2 = 1 THEN 'M' ELSE 'F' END END"
    )
    return (
        "SELECT b.unique_id, b.id_number, "
        f"{_key('substr(n, 1, 14)')} AS id_ab, "
        f"{_key('substr(n, 7, 12)')} AS id_bc, "
        f"{_key('substr(n, 1, 10) || substr(n, 15, 4)')} AS id_a_year_c, "
        f"{_key('substr(n, 1, 6) || substr(n, 11, 8)')} AS id_a_md_c, "
        f"{_key(_pair_sorted(6))} AS id_swap_ab, "
        f"{_key(_pair_sorted(10))} AS id_swap_ym, "
        f"{_key(_pair_sorted(14))} AS id_swap_bc, "
        "CASE WHEN length(b.id_number) >= 6 THEN substr(b.id_number, 1, 6) END AS id_div, "
        f"coalesce({stated}, {birth_from_id}) AS birth_date, "
        f"coalesce(b.sex, {sex_from_id}) AS sex, "
        "nullif(b.region, '') AS region, n.name_s, n.name_py, n.surname_py "
        f"FROM {base} b LEFT JOIN {names} n ON n.name = b.name"
    )
