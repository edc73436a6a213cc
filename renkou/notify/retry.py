"""When to try again: exponential backoff with a cap, and how many attempts before a message is a dead letter."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """Attempt n (1-based) failing temporarily waits ``min(cap, base * factor**(n-1))``, spread by ``jitter``.

    With the defaults the waits are 1, 4, 16, 64 minutes, then 4 h 16 min and 6 h (capped): a gateway outage of up
    to about 11 hours costs no message, and after ``max_attempts`` the message goes to the dead-letter list, from
    which an officer can send it again.
    """

    max_attempts: int = 7
    base: timedelta = timedelta(minutes=1)
    factor: float = 4.0
    cap: timedelta = timedelta(hours=6)
    jitter: float = 0.0  # fraction of the wait added at random (0.1 = up to +10%), so retries do not stampede
    lease: timedelta = timedelta(minutes=5)  # how long a claimed message is reserved for one delivery run

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        if self.factor < 1 or self.base <= timedelta(0) or self.cap < self.base:
            raise ValueError("need factor >= 1, base > 0 and cap >= base")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be within [0, 1]")

    def delay(self, attempt: int, rng: random.Random | None = None) -> timedelta:
        """The wait after failed attempt number ``attempt`` (1 for the first)."""
        if attempt < 1:
            raise ValueError("attempt must be >= 1")
        # Cap the exponent first so a large attempt number cannot overflow the float.
        seconds = self.base.total_seconds() * self.factor ** min(attempt - 1, 64)
        wait = min(self.cap.total_seconds(), seconds)
        if self.jitter:
            wait *= 1 + self.jitter * (rng or random).random()
        return timedelta(seconds=wait)

    def exhausted(self, attempts: int) -> bool:
        """True when no attempt is left after ``attempts`` have been made."""
        return attempts >= self.max_attempts
