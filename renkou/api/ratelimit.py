"""Per-address limit on failed log-ins, in addition to the per-account lock-out (:mod:`renkou.api.accounts`).

The lock-out stops guessing one account's password; it does not stop one address trying a few passwords on many
accounts (password spraying), nor locking every account out on purpose. So an address with ``limit`` failed log-ins
within the last ``window`` is refused further attempts (HTTP 429, with ``Retry-After``) until the oldest of them
leaves the window; a refused attempt is not checked at all, so it costs no password hash either. Failures are kept in
memory per process (a restart forgets them, which only ever helps the user), for a bounded number of addresses.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque
from datetime import datetime, timedelta

MAX_ADDRESSES = 100_000  # addresses tracked at once; the least recently seen are forgotten first


class LoginFailures:
    """Recent failed log-ins by client address (thread-safe)."""

    def __init__(self, limit: int, window: timedelta, max_addresses: int = MAX_ADDRESSES) -> None:
        self.limit = limit
        self.window = window
        self.max_addresses = max_addresses
        self._times: OrderedDict[str, deque[datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, address: str, now: datetime) -> deque[datetime] | None:
        times = self._times.get(address)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._times[address]
            return None
        return times

    def retry_after(self, address: str | None, now: datetime) -> int | None:
        """Seconds until ``address`` may try again, or None when it may try now (unknown addresses always may)."""
        if address is None or self.limit < 1:
            return None
        with self._lock:
            times = self._recent(address, now)
            if times is None or len(times) < self.limit:
                return None
            # The attempt becomes possible when enough failures have left the window.
            freed = times[len(times) - self.limit] + self.window
            return max(1, math.ceil((freed - now).total_seconds()))

    def failed(self, address: str | None, now: datetime) -> None:
        """Count one failed log-in from ``address``."""
        if address is None:
            return
        with self._lock:
            times = self._recent(address, now)
            if times is None:
                times = self._times[address] = deque()
            times.append(now)
            self._times.move_to_end(address)
            while len(self._times) > self.max_addresses:
                self._times.popitem(last=False)
