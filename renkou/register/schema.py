"""Tables of the register (DuckDB dialect) and the attribute columns that events carry.

Events are append-only: rows are inserted, never updated or deleted. The person state as of a date is folded from
them (:mod:`renkou.register.state`). ``spells`` indexes the fold for every person (one row per stretch of time in
which the state is constant), rebuilt for the persons a batch touches inside the batch's transaction and checked
against a fresh fold by ``renkou verify --deep``.
"""

from __future__ import annotations

# 3: spells index every person (2 indexed only persons with several events; the others were read from the events).
SCHEMA_VERSION = "3"

# Attributes carried by events (null when an event does not set them), in canonical order. The fold takes, for
# each, the last non-null value in (occurred_on, event_id) order.
STATE_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("sex", "VARCHAR"),
    ("birth_date", "DATE"),
    ("ethnicity", "VARCHAR"),
    ("id_division", "VARCHAR"),
    ("hukou_region", "VARCHAR"),
    ("hukou_in_city", "BOOLEAN"),
    ("residence_region", "VARCHAR"),
    ("residence_in_city", "BOOLEAN"),
    ("urban_rural", "VARCHAR"),
    ("residence_since", "DATE"),
    ("left_on", "DATE"),
    ("household_id", "VARCHAR"),
    ("relation", "VARCHAR"),
    ("education", "VARCHAR"),
    ("marital_status", "VARCHAR"),
    ("employment", "VARCHAR"),
    ("insurance", "VARCHAR"),
    ("housing", "VARCHAR"),
    ("permit_no", "VARCHAR"),
    ("permit_status", "VARCHAR"),
    ("alive", "BOOLEAN"),
    ("mother_id", "UHUGEINT"),
    ("father_id", "UHUGEINT"),
    ("partner_id", "UHUGEINT"),
)
# Attributes that describe the event rather than the person.
EVENT_ONLY_ATTRIBUTES: tuple[tuple[str, str], ...] = (("supersedes", "BIGINT"),)
ATTRIBUTES = STATE_ATTRIBUTES + EVENT_ONLY_ATTRIBUTES
STATE_NAMES = tuple(name for name, _ in STATE_ATTRIBUTES)
ATTRIBUTE_NAMES = tuple(name for name, _ in ATTRIBUTES)

EVENT_HEAD: tuple[tuple[str, str], ...] = (
    ("event_id", "BIGINT"),
    ("batch_id", "BIGINT"),
    ("event_type", "VARCHAR"),
    ("subject_id", "UHUGEINT"),
    ("occurred_on", "DATE"),
    ("recorded_at", "TIMESTAMP"),
    ("source", "VARCHAR"),
    ("record_no", "VARCHAR"),
)
# Keys are 128-bit integers (the first half of a SHA-256): compact to store, fast to join and group. The event
# hash keeps all 256 bits, as two halves; its first half doubles as the content key that finds repeated deliveries. Render them with hex(), never CAST(... AS VARCHAR): DuckDB's decimal
# rendering of UHUGEINT is thousands of times slower.
EVENT_COLUMNS = EVENT_HEAD + ATTRIBUTES + (("hash_hi", "UHUGEINT"), ("hash_lo", "UHUGEINT"))


def _columns(columns: tuple[tuple[str, str], ...]) -> str:
    return ",\n  ".join(f"{name} {kind}" for name, kind in columns)


DDL = f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS batches (
  batch_id BIGINT PRIMARY KEY,
  feed VARCHAR,
  source VARCHAR,
  file_name VARCHAR,
  file_sha256 VARCHAR,
  file_bytes BIGINT,
  recorded_at TIMESTAMP,
  nonce BLOB,
  n_rows BIGINT,
  n_accepted BIGINT,
  n_quarantined BIGINT,
  n_duplicates BIGINT,
  first_event_id BIGINT,
  last_event_id BIGINT,
  prev_hash VARCHAR,
  batch_hash VARCHAR,
  summary JSON
);
CREATE TABLE IF NOT EXISTS events (
  {_columns(EVENT_COLUMNS)}
);
CREATE TABLE IF NOT EXISTS identity (
  event_id BIGINT,
  subject_id UHUGEINT,
  batch_id BIGINT,
  stream_offset BIGINT,
  ciphertext BLOB
);
CREATE TABLE IF NOT EXISTS quarantine (
  batch_id BIGINT,
  file_name VARCHAR,
  line BIGINT,
  column_name VARCHAR,
  value_masked VARCHAR,
  reason VARCHAR,
  stream_offset BIGINT,
  raw_ciphertext BLOB
);
CREATE TABLE IF NOT EXISTS findings (
  finding_id BIGINT,
  batch_id BIGINT,
  kind VARCHAR,
  subject_id UHUGEINT,
  event_id BIGINT,
  occurred_on DATE,
  detail VARCHAR,
  found_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS spells (
  subject_id UHUGEINT,
  valid_from DATE,
  valid_to DATE,
  event_id BIGINT,
  {_columns(STATE_ATTRIBUTES)}
);
CREATE TABLE IF NOT EXISTS divisions (
  code VARCHAR,
  name VARCHAR,
  level VARCHAR,
  parent_code VARCHAR,
  valid_from INTEGER,
  valid_to INTEGER
);
"""

OPEN_END = "9999-12-31"
