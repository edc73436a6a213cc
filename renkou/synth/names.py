"""Synthetic Chinese names, vectorised, and the variants a clerk's typing produces (traditional forms, homophones)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml
from numpy.typing import NDArray


def _characters(text: str) -> list[str]:
    seen: list[str] = []
    for character in text:
        if not character.isspace() and character not in seen:
            seen.append(character)
    return seen


@dataclass(frozen=True)
class NamePool:
    """Surnames with weights, and given names (one or two characters) for men and women."""

    surnames: pa.Array
    surname_weights: NDArray[np.float64]
    given_male: pa.Array
    given_female: pa.Array
    characters: tuple[str, ...]  # every character used in given names
    homophone_pool: tuple[str, ...]


@cache
def name_pool() -> NamePool:
    """The packaged name characters, expanded to given names."""
    text = (resources.files("renkou.synth.data") / "names.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    surnames = _characters(raw["surnames"])
    top = np.array(raw["surnames_top10_percent"], dtype=np.float64)
    tail_ranks = np.arange(len(top) + 1, len(surnames) + 1, dtype=np.float64)
    tail = top[-1] * len(top) / tail_ranks  # Zipf: share proportional to 1 / rank, continuing from rank 10
    weights = np.concatenate([top, tail])
    male = _characters(raw["given_male"])
    female = _characters(raw["given_female"])
    either = _characters(raw["given_either"])

    def given(first: list[str], second: list[str]) -> list[str]:
        # Two-character names dominate; single-character names are about a tenth.
        names = [a + b for a in first + either for b in second if a != b]
        return names + second

    return NamePool(
        surnames=pa.array(surnames),
        surname_weights=weights / weights.sum(),
        given_male=pa.array(given(male, male + either)),
        given_female=pa.array(given(female, female + either)),
        characters=tuple(dict.fromkeys(male + female + either)),
        homophone_pool=tuple(_characters(raw["homophone_pool"])),
    )


def draw_surnames(n: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """Indices into the surname list."""
    pool = name_pool()
    return rng.choice(len(pool.surnames), size=n, p=pool.surname_weights)


def full_names(surname: NDArray[np.int64], male: NDArray[np.bool_], rng: np.random.Generator) -> pa.Array:
    """Surname + given name for each person (given names drawn by sex)."""
    pool = name_pool()
    n = len(surname)
    male_index = rng.integers(0, len(pool.given_male), n)
    female_index = rng.integers(0, len(pool.given_female), n)
    given = pc.if_else(
        pa.array(male), pool.given_male.take(pa.array(male_index)), pool.given_female.take(pa.array(female_index))
    )
    return pc.binary_join_element_wise(pool.surnames.take(pa.array(surname)), given, "")


@cache
def _homophones() -> dict[str, tuple[str, ...]]:
    """Characters of the pool grouped by toneless pinyin: each maps to the others that sound the same."""
    from pypinyin import Style, lazy_pinyin

    pool = name_pool()
    candidates = list(dict.fromkeys([*pool.characters, *pool.homophone_pool]))
    by_sound: dict[str, list[str]] = {}
    for character in candidates:
        by_sound.setdefault(lazy_pinyin(character, style=Style.NORMAL)[0], []).append(character)
    return {
        character: tuple(other for other in group if other != character)
        for group in by_sound.values()
        for character in group
        if len(group) > 1
    }


def homophone_variant(name: str, rng: np.random.Generator) -> str | None:
    """The name with one given-name character replaced by one that sounds the same, or None if none exists."""
    table = _homophones()
    positions = [i for i in range(1, len(name)) if name[i] in table]
    if not positions:
        return None
    position = positions[int(rng.integers(0, len(positions)))]
    choices = table[name[position]]
    return name[:position] + choices[int(rng.integers(0, len(choices)))] + name[position + 1 :]


@cache
def _converter() -> object:
    import opencc

    return opencc.OpenCC("s2t")


def traditional_variant(name: str) -> str | None:
    """The name in traditional characters (OpenCC s2t), or None when it is written the same."""
    converted = str(_converter().convert(name))  # type: ignore[attr-defined]
    return converted if converted != name else None
