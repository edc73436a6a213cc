"""Households from a set of persons: couples, their children, elderly parents living with them, and the rest alone.

Vectorised matching (no per-person loop): married men and women are paired by rank of age (wives about two years
younger); unmarried young people join the couple whose wife is 24-34 years older than them, found by binary search
over couples ordered by the wife's age; half the widowed aged 70+ join a couple 25-35 years younger.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]

HEAD, SPOUSE, CHILD, PARENT, GRANDCHILD = 0, 1, 2, 3, 4
RELATIONS = ("head", "spouse", "child", "parent", "grandchild")


@dataclass
class Households:
    """Household number, relation to the head and spouse (index or -1) of each person."""

    household: IntArray
    relation: IntArray
    partner: IntArray
    head: IntArray  # index of the household's head, per person

    @property
    def count(self) -> int:
        """Number of households."""
        return int(self.household.max()) + 1 if len(self.household) else 0


def form_households(
    age: NDArray[np.float64],
    male: NDArray[np.bool_],
    married: NDArray[np.bool_],
    widowed: NDArray[np.bool_],
    single: NDArray[np.bool_],
    rng: np.random.Generator,
) -> Households:
    """Group persons into households; ages in years (fractional)."""
    n = len(age)
    partner = np.full(n, -1, dtype=np.int64)
    men = np.nonzero(married & male)[0]
    women = np.nonzero(married & ~male)[0]
    pairs = min(len(men), len(women))
    men = rng.permutation(men)[:pairs]
    women = rng.permutation(women)[:pairs]
    men = men[np.argsort(age[men] + rng.normal(0, 1.5, pairs), kind="stable")]
    women = women[np.argsort(age[women] + 2.0 + rng.normal(0, 1.5, pairs), kind="stable")]
    partner[men] = women
    partner[women] = men

    household = np.full(n, -1, dtype=np.int64)
    relation = np.full(n, HEAD, dtype=np.int64)
    # Couples: the husband heads four households in five.
    couple_id = np.arange(pairs)
    household[men] = couple_id
    household[women] = couple_id
    wife_heads = rng.random(pairs) < 0.2
    relation[men] = np.where(wife_heads, SPOUSE, HEAD)
    relation[women] = np.where(wife_heads, HEAD, SPOUSE)

    if pairs:
        by_wife = np.argsort(age[women], kind="stable")
        wife_age = age[women][by_wife]
        # Children: every minor, and six in ten unmarried persons 18-29.
        young = single & ((age < 18) | ((age < 30) & (rng.random(n) < 0.6)))
        young_idx = np.nonzero(young)[0]
        target = age[young_idx] + rng.uniform(24, 34, len(young_idx))
        position = np.clip(np.searchsorted(wife_age, target), 0, pairs - 1)
        found = by_wife[position]
        close = np.abs(wife_age[position] - target) <= 8
        attach = close | (age[young_idx] < 18)
        household[young_idx[attach]] = couple_id[found[attach]]
        relation[young_idx[attach]] = CHILD
        # Elderly parents: half the widowed aged 70+.
        elders = np.nonzero(widowed & (age >= 70) & (rng.random(n) < 0.5))[0]
        target = age[elders] - rng.uniform(25, 35, len(elders))
        position = np.clip(np.searchsorted(wife_age, target), 0, pairs - 1)
        close = np.abs(wife_age[position] - target) <= 8
        household[elders[close]] = couple_id[by_wife[position[close]]]
        relation[elders[close]] = PARENT

    alone = np.nonzero(household < 0)[0]
    household[alone] = pairs + np.arange(len(alone))
    relation[alone] = HEAD
    # Number households in a shuffled order so numbers do not reveal the structure.
    relabel = rng.permutation(household.max() + 1 if n else 0)
    household = relabel[household] if n else household
    head = np.full(household.max() + 1 if n else 0, -1, dtype=np.int64)
    heads = np.nonzero(relation == HEAD)[0]
    head[household[heads]] = heads
    return Households(household, relation, partner, head[household] if n else household)
