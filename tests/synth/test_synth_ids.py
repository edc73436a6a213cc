"""Synthetic ID numbers: vectorised check characters against renkou.ids, uniqueness, division history."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from renkou.ids import check_character, parse_id
from renkou.synth.dates import day
from renkou.synth.geography import issuing_division, origins
from renkou.synth.idnumbers import SequenceAllocator, assemble, check_characters


def test_check_characters_match_renkou_ids() -> None:
    rng = np.random.default_rng(7)
    first17 = rng.integers(10**16, 10**17, 5000)
    vectorised = check_characters(first17)
    one_by_one = [check_character(str(n)) for n in first17.tolist()]
    assert vectorised.tolist() == one_by_one


def test_check_character_of_the_standard_example() -> None:
    # GB 11643-1999 appendix example 11010519491231002X: check character X.
    assert check_characters(np.array([11010519491231002])).tolist() == ["X"]


def test_allocated_numbers_are_valid_unique_and_agree_with_sex_and_birth() -> None:
    allocator = SequenceAllocator(["330102", "340104"])
    born = np.array([day(1990, 5, 17)] * 300 + [day(2016, 2, 29)] * 20)
    division = np.array([330102] * 150 + [340104] * 150 + [330102] * 20)
    male = np.arange(len(born)) % 3 == 0
    first = assemble(division, born, allocator.allocate(division, born, male)).to_pylist()
    second = assemble(division, born, allocator.allocate(division, born, male)).to_pylist()
    numbers = first + second
    assert len(set(numbers)) == len(numbers)
    for number, sex, birth in zip(numbers, np.concatenate([male, male]), np.concatenate([born, born]), strict=True):
        parsed = parse_id(number, today=date(2021, 1, 1))
        assert parsed.sex == ("M" if sex else "F")
        assert parsed.birth_date == date(1970, 1, 1) + (date(1, 1, 2) - date(1, 1, 1)) * int(birth)


def test_allocator_refuses_more_than_500_per_division_and_date() -> None:
    allocator = SequenceAllocator(["330102"])
    born = np.full(501, day(1980, 1, 1))
    with pytest.raises(ValueError, match="500"):
        allocator.allocate(np.full(501, 330102), born, np.zeros(501, dtype=bool))


def test_allocator_refuses_undeclared_divisions() -> None:
    allocator = SequenceAllocator(["330102"])
    with pytest.raises(ValueError, match="undeclared"):
        allocator.allocate(np.array([110101]), np.array([day(1980, 1, 1)]), np.array([True]))


def test_issuing_division_follows_the_code_history() -> None:
    years = np.array([1950, 1987, 1990, 2000, 2005])
    assert issuing_division("330109", years).tolist() == [330121, 330121, 330181, 330181, 330109]
    assert issuing_division("330108", np.array([1970, 1996])).tolist() == [330121, 330108]
    assert issuing_division("330102", years).tolist() == [330102] * 5


def test_origin_counties_exist_and_exclude_the_city() -> None:
    from renkou.ids import is_known

    sampler = origins({"330000": 1.0, "340000": 1.0, "500000": 1.0}, "3301")
    codes = sampler.sample(2000, np.random.default_rng(1))
    assert all(is_known(str(code)) for code in set(codes.tolist()))
    assert not any(str(code).startswith("3301") for code in codes.tolist())
    assert {str(code)[:2] for code in codes.tolist()} == {"33", "34", "50"}
