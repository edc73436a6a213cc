"""Tables of the service (accounts, sessions, API tokens, audit log), kept in the register's database.

They live beside the register's tables so that one backup holds both and the one process that owns the database for
writing (``renkou serve``) also owns them. They are created with ``CREATE TABLE IF NOT EXISTS`` by
:func:`ensure_schema`; the register's own schema is not touched. Secrets are never stored in the clear: passwords as
argon2id hashes, session and API tokens as SHA-256 digests (they are 256-bit random strings, so a slow hash adds
nothing).
"""

from __future__ import annotations

from renkou.engine import Engine

DDL = """
CREATE TABLE IF NOT EXISTS api_users (
  user_id BIGINT PRIMARY KEY,
  username VARCHAR NOT NULL,
  display_name VARCHAR,
  role VARCHAR NOT NULL,
  districts VARCHAR[],
  feed VARCHAR,
  password_hash VARCHAR,
  failed_logins INTEGER NOT NULL,
  locked_until TIMESTAMP,
  disabled BOOLEAN NOT NULL,
  created_at TIMESTAMP NOT NULL,
  password_changed_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS api_sessions (
  session_digest VARCHAR PRIMARY KEY,
  user_id BIGINT NOT NULL,
  created_at TIMESTAMP NOT NULL,
  last_seen TIMESTAMP NOT NULL,
  expires_at TIMESTAMP NOT NULL,
  client VARCHAR,
  revoked BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS api_tokens (
  token_id BIGINT PRIMARY KEY,
  token_digest VARCHAR NOT NULL,
  user_id BIGINT NOT NULL,
  name VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL,
  expires_at TIMESTAMP NOT NULL,
  last_used TIMESTAMP,
  revoked BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (
  seq BIGINT NOT NULL,
  logged_at TIMESTAMP NOT NULL,
  actor VARCHAR,
  role VARCHAR,
  action VARCHAR NOT NULL,
  target VARCHAR,
  subject_id VARCHAR,
  client VARCHAR,
  reason VARCHAR,
  outcome VARCHAR NOT NULL,
  detail VARCHAR,
  prev_hash VARCHAR NOT NULL,
  hash VARCHAR NOT NULL
)
"""


def ensure_schema(engine: Engine) -> None:
    """Create the service's tables when they do not exist yet."""
    for statement in DDL.split(";"):
        if statement.strip():
            engine.execute(statement)


def has_table(engine: Engine, name: str) -> bool:
    """True when the database holds table ``name`` (a read-only register may predate the service)."""
    return bool(engine.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]))
