"""Backoff: the waits worked by hand from base 1 min, factor 4, cap 6 h; jitter bounds; limits."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from renkou.notify.retry import RetryPolicy


def test_default_waits_grow_fourfold_up_to_the_cap() -> None:
    policy = RetryPolicy()
    minutes = [policy.delay(n).total_seconds() / 60 for n in range(1, 8)]
    # 1, 4, 16, 64, 256 minutes, then 1024 min capped at 360 (6 h), and capped again.
    assert minutes == [1, 4, 16, 64, 256, 360, 360]
    assert policy.delay(10_000) == timedelta(hours=6)  # no overflow for a huge attempt number
    assert not policy.exhausted(6) and policy.exhausted(7)


def test_jitter_stays_within_its_fraction() -> None:
    policy = RetryPolicy(jitter=0.1)
    rng = random.Random(8)
    waits = [policy.delay(2, rng).total_seconds() for _ in range(200)]
    assert min(waits) >= 240 and max(waits) <= 264
    assert len(set(waits)) > 100  # actually spread


def test_bad_policies_are_refused() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(factor=0.5)
    with pytest.raises(ValueError):
        RetryPolicy(base=timedelta(hours=2), cap=timedelta(hours=1))
    with pytest.raises(ValueError):
        RetryPolicy().delay(0)
