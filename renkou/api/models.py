"""Request and response bodies of the API (Pydantic), which also make the OpenAPI document."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def as_utc(moment: datetime) -> datetime:
    """The database keeps UTC times without a zone; the API states the zone (RFC 3339 needs it)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]


class StrictModel(BaseModel):
    """Bodies reject unknown fields, so a typo in a field name is an error and not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    """A bilingual error."""

    code: str
    zh: str
    en: str


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


# --- accounts and sessions ---------------------------------------------------------------------------------------


class LoginRequest(StrictModel):
    """Username and password."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class Me(BaseModel):
    """The signed-in account."""

    username: str
    display_name: str | None
    role: str
    role_name: str
    districts: list[str]
    feed: str | None


class LoginResponse(BaseModel):
    """A new session: send ``token`` as a bearer token, or rely on the cookie and echo ``csrf_token``."""

    token: str
    csrf_token: str
    expires_at: UtcDateTime
    user: Me


class PasswordChange(StrictModel):
    """Change one's own password."""

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class UserCreate(StrictModel):
    """A new account."""

    username: str = Field(min_length=3, max_length=32, pattern=r"^[a-z][a-z0-9_.-]{2,31}$")
    password: str = Field(min_length=1, max_length=1024)
    role: str = Field(max_length=32)
    display_name: str | None = Field(default=None, max_length=64)
    districts: list[str] = Field(default_factory=list, max_length=50)
    feed: str | None = Field(default=None, max_length=32)


class UserUpdate(StrictModel):
    """Changes to an account (fields left out stay as they are)."""

    role: str | None = Field(default=None, max_length=32)
    districts: list[str] | None = Field(default=None, max_length=50)
    feed: str | None = Field(default=None, max_length=32)
    display_name: str | None = Field(default=None, max_length=64)
    disabled: bool | None = None
    unlock: bool = False


class PasswordReset(StrictModel):
    """A new password set by an admin (the user's sessions end)."""

    password: str = Field(min_length=1, max_length=1024)


class UserOut(BaseModel):
    """An account as an admin sees it."""

    username: str
    display_name: str | None
    role: str
    districts: list[str]
    feed: str | None
    disabled: bool
    locked: bool
    failed_logins: int
    created_at: UtcDateTime
    password_changed_at: UtcDateTime | None


class TokenCreate(StrictModel):
    """An API token for a department system, acting as an existing account."""

    username: str = Field(min_length=3, max_length=32)
    name: str = Field(min_length=1, max_length=64)
    days: int = Field(default=365, ge=1, le=3650)


class TokenIssued(BaseModel):
    """A new token: its secret is shown this once."""

    token_id: int
    token: str
    expires_at: UtcDateTime


class TokenOut(BaseModel):
    """A token's metadata."""

    token_id: int
    name: str
    username: str
    created_at: UtcDateTime
    expires_at: UtcDateTime
    last_used: UtcDateTime | None
    revoked: bool


class Done(BaseModel):
    """An action that returns nothing else."""

    ok: bool = True


# --- public query service ----------------------------------------------------------------------------------------


class PublicCell(BaseModel):
    """One published figure; ``population`` is null when suppressed."""

    district: str | None = None
    district_name: str | None = None
    sex: str | None = None
    sex_name: str | None = None
    age_group: str | None = None
    population: int | None
    suppressed: bool


class PublicTable(BaseModel):
    """Published population of one kind on a year-end date."""

    year: int
    as_of: date
    kind: str
    kind_name: str
    by: list[str]
    threshold: int
    rows: list[PublicCell]


class KindOut(BaseModel):
    """A population definition."""

    kind: str
    kind_name: str


class PublicIndex(BaseModel):
    """What the public query service offers."""

    years: list[int]
    kinds: list[KindOut]
    dimensions: list[str]
    age_groups: list[str]
    threshold: int
    method: dict[str, Any]


class Health(BaseModel):
    """Liveness."""

    status: str


# --- person records, feeds, aggregates, audit ----------------------------------------------------------------------


class EventOut(BaseModel):
    """One event of a person's history."""

    event_id: int
    event_type: str
    event_type_name: str
    occurred_on: date
    recorded_at: UtcDateTime
    source: str
    record_no: str | None
    superseded: bool
    attributes: dict[str, Any]


class PersonOut(BaseModel):
    """A person's record; ``identity_masked`` tells whether the ID number and name are masked."""

    id_number: str
    name: str
    identity_masked: bool
    districts: list[str]
    state: dict[str, Any]
    events: list[EventOut]


class BatchOut(BaseModel):
    """One loaded file of a feed."""

    batch_id: int
    file_name: str | None
    recorded_at: UtcDateTime
    rows: int
    accepted: int
    quarantined: int
    duplicates: int


class QuarantineRow(BaseModel):
    """A rejected line (values masked) with its reason."""

    batch_id: int
    file_name: str | None
    line: int
    column_name: str | None
    value_masked: str | None
    reason: str
    reason_text: str


class AggregateOut(BaseModel):
    """Exact counts for internal analysis (no suppression; never a single person's record)."""

    on: date
    kind: str
    by: list[str]
    rows: list[dict[str, Any]]


class AuditEntryOut(BaseModel):
    """One audit entry."""

    seq: int
    logged_at: UtcDateTime
    actor: str | None
    role: str | None
    action: str
    target: str | None
    subject_id: str | None
    client: str | None
    reason: str | None
    outcome: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    """A page of audit entries, newest first."""

    total: int
    entries: list[AuditEntryOut]


class AuditVerifyOut(BaseModel):
    """The audit chain's state."""

    ok: bool
    entries: int
    head_hash: str
    message: str
    first_broken_seq: int | None
