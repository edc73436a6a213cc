"""Settings of the service: session lifetimes, lock-out, password hashing cost, suppression of small cells."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServiceSettings:
    """Tunable behaviour of ``renkou serve`` (the defaults are the production values)."""

    session_idle_minutes: int = 30  # a session unused this long expires
    session_hours: int = 12  # a session expires this long after log-in, used or not
    max_failed_logins: int = 5  # consecutive failures that lock an account
    lockout_minutes: int = 15
    # Failed log-ins from one address (any accounts) within the window before that address must wait (HTTP 429).
    login_failures_per_address: int = 20
    login_window_minutes: int = 15
    token_days: int = 365  # default lifetime of an API token for a department system
    min_password_length: int = 12
    # argon2id cost (argon2-cffi's defaults, RFC 9106's second recommendation); tests may lower them for speed.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4
    secure_cookies: bool = False  # set when served over HTTPS (behind a TLS-terminating proxy)
    suppression_threshold: int = 10  # no published cell under this many persons
    suppression_min_range: int = 10  # a hidden cell's possible values span at least this many persons
    timezone: str = "Asia/Shanghai"  # the office's local time: what "today" and "year end" mean
    age_group_width: int = 5
    open_age_group: int = 85  # the last age group: this age and over
    # The notification outbox (renkou.notify, a SQLite file) where results and replies are queued; None: none queued.
    outbox: Path | None = None
