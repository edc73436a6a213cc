"""Counts by district x sex x age group as a NumPy cube (pure), the input of :mod:`renkou.api.suppression`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SEXES = ("F", "M")
SEX_ZH = {"F": "女", "M": "男"}
SEX_EN = {"F": "female", "M": "male"}


def age_group_labels(width: int, open_age: int) -> list[str]:
    """Labels of the age groups: ``0-4``, ``5-9``, ... and the open group ``85+``."""
    if width < 1 or open_age < width or open_age % width:
        raise ValueError("the open age group must start at a positive multiple of the group width")
    labels = [f"{start}-{start + width - 1}" for start in range(0, open_age, width)]
    return [*labels, f"{open_age}+"]


def age_group_index(ages: np.ndarray, width: int, open_age: int) -> np.ndarray:
    """The age group of each age in completed years (the open group takes every age from ``open_age`` on)."""
    return np.minimum(np.asarray(ages, dtype=np.int64) // width, open_age // width)


def build_cube(
    districts: Sequence[str | None],
    sexes: Sequence[str | None],
    ages: Sequence[int | None],
    counts: Sequence[int],
    district_codes: Sequence[str],
    *,
    width: int,
    open_age: int,
) -> np.ndarray:
    """Sum ``counts`` into a (district, sex, age group) cube.

    Rows whose district is not in ``district_codes``, whose sex is not F/M or whose age is unknown or negative are
    left out (the register derives sex and birth date from the ID number, so they do not occur in practice).
    """
    district_index = {code: i for i, code in enumerate(district_codes)}
    n_groups = open_age // width + 1
    cube = np.zeros((len(district_codes), len(SEXES), n_groups), dtype=np.int64)
    d = np.array([district_index.get(code, -1) if code is not None else -1 for code in districts], dtype=np.int64)
    s = np.array([SEXES.index(code) if code in SEXES else -1 for code in sexes], dtype=np.int64)
    a = np.array([age if age is not None else -1 for age in ages], dtype=np.int64)
    n = np.asarray(counts, dtype=np.int64)
    keep = (d >= 0) & (s >= 0) & (a >= 0)
    np.add.at(cube, (d[keep], s[keep], age_group_index(a[keep], width, open_age)), n[keep])
    return cube
