"""Disclosure requests kept in the service's database: requests and their append-only event history.

Tables (beside the register's and the service's, so one backup holds all; created by :func:`ensure_schema`):

- ``disclosure_requests``: one row per request, written once when it is filed or logged: number, channel, the day
  filed, the applicant's kind, masked name, masked document and contacts, the sealed (AES-GCM) full details, the
  keyed applicant key, what is asked for, and the digest of the public's status secret;
- ``disclosure_events``: the request's events (:mod:`renkou.disclosure.events`), appended in order, never updated;
  each also carries a JSON ``detail`` (fee method and lines, reply letter text) and who recorded it when;
- ``disclosure_publications`` and ``disclosure_appeals``: the proactive publication register (art. 26) and the
  administrative reviews and lawsuits of the annual report (art. 50).

Every write and every read of an applicant's full details appends an entry to the service's hash-chained audit log
in the same transaction. Each new event is checked by replaying the whole history with it (:func:`replay`), so the
stored history always obeys the regulation's order and one-time rules.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from renkou.api import audit
from renkou.api.schema import ensure_schema as ensure_service_schema
from renkou.disclosure.applicants import (
    Applicant,
    ApplicantKind,
    Sealer,
    mask_document,
    mask_name,
    masked_contact,
)
from renkou.disclosure.events import Event, Received, event_from_dict, event_to_dict
from renkou.disclosure.receipt import Channel
from renkou.disclosure.text import DisclosureError
from renkou.disclosure.workflow import replay
from renkou.engine import Engine

DDL = """
CREATE TABLE IF NOT EXISTS disclosure_requests (
  request_no VARCHAR PRIMARY KEY,
  filed_at TIMESTAMP NOT NULL,
  filed_on DATE NOT NULL,
  channel VARCHAR NOT NULL,
  applicant_kind VARCHAR NOT NULL,
  name_masked VARCHAR NOT NULL,
  id_type VARCHAR NOT NULL,
  id_masked VARCHAR NOT NULL,
  contact_masked VARCHAR NOT NULL,
  applicant_sealed BLOB NOT NULL,
  applicant_key VARCHAR NOT NULL,
  description VARCHAR NOT NULL,
  form_wanted VARCHAR NOT NULL,
  medium VARCHAR NOT NULL,
  secret_digest VARCHAR NOT NULL,
  logged_by VARCHAR
);
CREATE TABLE IF NOT EXISTS disclosure_events (
  request_no VARCHAR NOT NULL,
  seq INTEGER NOT NULL,
  kind VARCHAR NOT NULL,
  on_day DATE NOT NULL,
  body VARCHAR NOT NULL,
  detail VARCHAR,
  recorded_at TIMESTAMP NOT NULL,
  recorded_by VARCHAR
);
CREATE TABLE IF NOT EXISTS disclosure_publications (
  item_no INTEGER NOT NULL,
  title VARCHAR NOT NULL,
  category VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  formed_on DATE NOT NULL,
  published_on DATE NOT NULL,
  location VARCHAR NOT NULL,
  recorded_at TIMESTAMP NOT NULL,
  recorded_by VARCHAR
);
CREATE TABLE IF NOT EXISTS disclosure_appeals (
  appeal_no INTEGER NOT NULL,
  kind VARCHAR NOT NULL,
  request_no VARCHAR,
  filed_on DATE NOT NULL,
  outcome VARCHAR NOT NULL,
  decided_on DATE,
  recorded_at TIMESTAMP NOT NULL,
  recorded_by VARCHAR
)
"""

FORMS = {"paper": ("纸质", "paper"), "electronic": ("电子", "electronic")}
MEDIA = {
    "pickup": ("当面领取", "collect in person"),
    "mail": ("邮寄", "by post"),
    "email": ("电子邮件", "by e-mail"),
    "fax": ("传真", "by fax"),
    "online": ("网上获取", "online"),
}


def ensure_schema(engine: Engine) -> None:
    """Create the disclosure tables (and the service's, for the audit log) when they do not exist yet."""
    ensure_service_schema(engine)
    for statement in DDL.split(";"):
        if statement.strip():
            engine.execute(statement)


def utc_now() -> datetime:
    """The current UTC time without a zone (how the database stores times)."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Actor:
    """Who acts (for the audit log): an officer's account, the public, or a command-line user."""

    username: str | None
    role: str
    client: str | None = None
    via: str = "cli"


PUBLIC_ACTOR = Actor(None, "public", via="anonymous")


@dataclass(frozen=True)
class RequestDetails:
    """What is asked for (art. 29 para. 2 (2)-(3)): a description, the form and the way of receiving it."""

    description: str
    form_wanted: str = "electronic"
    medium: str = "email"

    def __post_init__(self) -> None:
        if not self.description.strip():
            raise DisclosureError(
                "申请公开的政府信息的名称或内容描述不能为空", "describe the information requested", code="request"
            )
        if len(self.description) > 4000:
            raise DisclosureError("信息描述过长（不超过4000字）", "description too long (4000 characters at most)")
        if self.form_wanted not in FORMS:
            raise DisclosureError(
                f"载体形式 {self.form_wanted!r} 无效，应为 {'|'.join(FORMS)}",
                f"form {self.form_wanted!r} is not valid; use {'|'.join(FORMS)}",
                code="request",
            )
        if self.medium not in MEDIA:
            raise DisclosureError(
                f"获取方式 {self.medium!r} 无效，应为 {'|'.join(MEDIA)}",
                f"medium {self.medium!r} is not valid; use {'|'.join(MEDIA)}",
                code="request",
            )


@dataclass(frozen=True)
class StoredEvent:
    """An event as stored, with what the domain event does not carry."""

    seq: int
    event: Event
    detail: dict[str, Any]
    recorded_at: datetime
    recorded_by: str | None


@dataclass(frozen=True)
class StoredRequest:
    """A request row (masked details only) and its events."""

    request_no: str
    filed_at: datetime
    filed_on: date
    channel: Channel
    applicant_kind: ApplicantKind
    name_masked: str
    id_type: str
    id_masked: str
    contact_masked: str
    applicant_key: str
    description: str
    form_wanted: str
    medium: str
    logged_by: str | None
    events: tuple[StoredEvent, ...] = field(default=())

    @property
    def domain_events(self) -> list[Event]:
        """The events, for the deadline and workflow code."""
        return [stored.event for stored in self.events]

    @property
    def received_on(self) -> date | None:
        """The art. 31 receipt day, once recorded (an online request waits for both sides to confirm)."""
        first = self.events[0].event if self.events else None
        return first.on if isinstance(first, Received) else None


@dataclass(frozen=True)
class Filed:
    """A new request's number and, for the public, the secret that shows its status (shown once, kept as a digest)."""

    request_no: str
    secret: str


_REQUEST_COLUMNS = (
    "request_no",
    "filed_at",
    "filed_on",
    "channel",
    "applicant_kind",
    "name_masked",
    "id_type",
    "id_masked",
    "contact_masked",
    "applicant_key",
    "description",
    "form_wanted",
    "medium",
    "logged_by",
)


def secret_digest(secret: str) -> str:
    """The stored form of a status secret (a random 72-bit string: a fast hash is enough)."""
    return hashlib.sha256(("renkou-disclosure\x1f" + secret.strip()).encode("utf-8")).hexdigest()


def not_found(request_no: str) -> DisclosureError:
    """The error for an unknown request number."""
    return DisclosureError(f"没有编号为 {request_no} 的申请", f"no request numbered {request_no}", code="not_found")


class DisclosureStore:
    """Requests, events, publications and appeals on one engine (the caller holds the service's database lock)."""

    def __init__(
        self, engine: Engine, sealer: Sealer, *, clock: Callable[[], datetime] = utc_now, ensure: bool = True
    ) -> None:
        self.engine = engine
        self.sealer = sealer
        self.clock = clock
        if ensure:  # the service creates the tables once, not on every request
            ensure_schema(engine)

    @classmethod
    def for_register(cls, register: Any, *, clock: Callable[[], datetime] = utc_now) -> DisclosureStore:
        """The store in a register's database, sealing with keys derived from the register's."""
        keys = register.keys
        return cls(register.engine, Sealer.from_register_keys(keys.identity, keys.pseudonym), clock=clock)

    # --- audit -------------------------------------------------------------------------------------------------
    def _audit(self, actor: Actor, action: str, target: str, detail: dict[str, Any] | None = None) -> None:
        event = audit.AuditEvent(
            action=action,
            actor=actor.username,
            role=actor.role,
            target=target,
            client=actor.client,
            detail={"via": actor.via, **(detail or {})},
        )
        audit.append(self.engine, event, self.clock())

    # --- requests ----------------------------------------------------------------------------------------------
    def _next_number(self, year: int) -> str:
        # Numerically: past 9999 a request is numbered 2026-10000, which sorts before 2026-9999 as text.
        last = self.engine.scalar(
            "SELECT max(CAST(split_part(request_no, '-', 2) AS INTEGER)) FROM disclosure_requests "
            "WHERE starts_with(request_no, ?)",
            [f"{year}-"],
        )
        return f"{year}-{int(last or 0) + 1:04d}"

    def file(
        self,
        actor: Actor,
        applicant: Applicant,
        details: RequestDetails,
        channel: Channel,
        filed_on: date,
        *,
        received_on: date | None = None,
    ) -> Filed:
        """Store a new request; with ``received_on`` (the art. 31 receipt day) its ``received`` event too.

        An online or fax request is stored without it until both sides confirm (:meth:`confirm_receipt`).
        """
        if received_on is not None and received_on < filed_on:
            raise DisclosureError(
                f"收到申请之日 {received_on} 早于提交日 {filed_on}",
                f"receipt day {received_on} is before the day filed {filed_on}",
                code="receipt",
            )
        secret = secrets.token_urlsafe(9)
        now = self.clock()
        with self.engine.transaction():
            request_no = self._next_number(filed_on.year)
            values = [
                request_no,
                now,
                filed_on,
                channel.value,
                applicant.kind.value,
                mask_name(applicant.name, applicant.is_person),
                applicant.id_type.strip(),
                mask_document(applicant.id_number),
                masked_contact(applicant),
                self.sealer.seal(applicant, request_no),
                self.sealer.applicant_key(applicant),
                details.description.strip(),
                details.form_wanted,
                details.medium,
                secret_digest(secret),
                actor.username,
            ]
            columns = (*_REQUEST_COLUMNS[:9], "applicant_sealed", *_REQUEST_COLUMNS[9:13], "secret_digest", "logged_by")
            self.engine.execute(
                f"INSERT INTO disclosure_requests ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                values,
            )
            if received_on is not None:
                self._append(actor, request_no, [], Received(on=received_on, channel=channel), {})
            self._audit(actor, "disclosure.file", request_no, {"channel": channel.value})
        return Filed(request_no, secret)

    def confirm_receipt(self, actor: Actor, request_no: str, on: date) -> StoredRequest:
        """Record that both sides confirmed an online or fax request (art. 31(3)) on ``on``: its receipt day."""
        request = self.get(request_no)
        if request.events:
            raise DisclosureError(
                f"申请 {request_no} 已于 {request.received_on} 确认收到",
                f"request {request_no} was already confirmed received on {request.received_on}",
                code="workflow",
            )
        if on < request.filed_on:
            raise DisclosureError(
                f"确认日 {on} 早于提交日 {request.filed_on}",
                f"confirmation {on} is before the day filed {request.filed_on}",
                code="receipt",
            )
        return self.record(actor, request_no, Received(on=on, channel=request.channel))

    def record(
        self, actor: Actor, request_no: str, event: Event, detail: dict[str, Any] | None = None
    ) -> StoredRequest:
        """Append ``event`` after checking the whole history with it; returns the request as now stored."""
        request = self.get(request_no)
        if not request.events and not isinstance(event, Received):
            raise DisclosureError(
                f"申请 {request_no} 尚未确认收到：请先确认收到申请（第三十一条）",
                f"request {request_no} is not yet confirmed received: confirm receipt first (art. 31)",
                code="workflow",
            )
        with self.engine.transaction():
            self._append(actor, request_no, request.domain_events, event, detail or {})
            self._audit(actor, f"disclosure.{event.kind}", request_no, {"on": event.on.isoformat()})
        return self.get(request_no)

    def _append(
        self, actor: Actor, request_no: str, history: Sequence[Event], event: Event, detail: dict[str, Any]
    ) -> None:
        replay([*history, event])  # raises a bilingual error when the event breaks an order or one-time rule
        body = event_to_dict(event)
        self.engine.execute(
            "INSERT INTO disclosure_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                request_no,
                len(history) + 1,
                event.kind,
                event.on,
                json.dumps(body, ensure_ascii=False),
                json.dumps(detail, ensure_ascii=False) if detail else None,
                self.clock(),
                actor.username,
            ],
        )

    def get(self, request_no: str) -> StoredRequest:
        """The request (masked details) with its events; unknown numbers are a bilingual error."""
        found = self.requests(where="request_no = ?", params=[request_no.strip()])
        if not found:
            raise not_found(request_no)
        return found[0]

    def requests(self, *, where: str = "TRUE", params: Sequence[Any] = ()) -> list[StoredRequest]:
        """Requests matching a SQL condition on ``disclosure_requests`` (newest first), with their events."""
        rows = self.engine.rows(
            f"SELECT {', '.join(_REQUEST_COLUMNS)} FROM disclosure_requests WHERE {where} ORDER BY request_no DESC",
            list(params),
        )
        if not rows:
            return []
        numbers = [row[0] for row in rows]
        events: dict[str, list[StoredEvent]] = {number: [] for number in numbers}
        for number, seq, body, detail, recorded_at, recorded_by in self.engine.rows(
            "SELECT request_no, seq, body, detail, recorded_at, recorded_by FROM disclosure_events "
            "WHERE list_contains(?, request_no) ORDER BY request_no, seq",
            [numbers],
        ):
            events[number].append(
                StoredEvent(
                    int(seq),
                    event_from_dict(json.loads(body)),
                    json.loads(detail) if detail else {},
                    recorded_at,
                    recorded_by,
                )
            )
        result = []
        for row in rows:
            values = dict(zip(_REQUEST_COLUMNS, row, strict=True))
            values["channel"] = Channel(values["channel"])
            values["applicant_kind"] = ApplicantKind(values["applicant_kind"])
            result.append(StoredRequest(**values, events=tuple(events[values["request_no"]])))
        return result

    def applicant(self, actor: Actor, request_no: str, *, reason: str = "handling") -> Applicant:
        """The applicant's full details (decrypted), for the officer handling the request; the read is audited."""
        sealed = self.engine.scalar(
            "SELECT applicant_sealed FROM disclosure_requests WHERE request_no = ?", [request_no.strip()]
        )
        if sealed is None:
            raise not_found(request_no)
        applicant = self.sealer.open(bytes(sealed), request_no.strip())
        self._audit(actor, "disclosure.applicant.read", request_no, {"reason": reason})
        return applicant

    def check_secret(self, request_no: str, secret: str) -> bool:
        """True when ``secret`` is the request's status secret (constant-time compare; unknown numbers are False)."""
        stored = self.engine.scalar(
            "SELECT secret_digest FROM disclosure_requests WHERE request_no = ?", [request_no.strip()]
        )
        return stored is not None and hmac.compare_digest(str(stored), secret_digest(secret))

    def same_applicant_receipts(self, applicant_key: str) -> list[tuple[str, str, date]]:
        """(request, applicant key, receipt day) of every received request of one applicant (fees by count)."""
        rows = self.engine.rows(
            "SELECT r.request_no, r.applicant_key, e.on_day FROM disclosure_requests r "
            "JOIN disclosure_events e ON e.request_no = r.request_no AND e.seq = 1 "
            "WHERE r.applicant_key = ? ORDER BY e.on_day, r.request_no",
            [applicant_key],
        )
        return [(str(number), str(key), day) for number, key, day in rows]

    # --- proactive publication ------------------------------------------------------------------------------------
    def add_publication(
        self,
        actor: Actor,
        *,
        title: str,
        category: str,
        source: str,
        formed_on: date,
        published_on: date,
        location: str,
    ) -> int:
        """Add an item to the proactive publication register; returns its number."""
        if not title.strip():
            raise DisclosureError("公开事项标题不能为空", "the item needs a title", code="publication")
        if published_on < formed_on:
            raise DisclosureError(
                f"公开日 {published_on} 早于形成日 {formed_on}",
                f"published {published_on} is before the item was formed {formed_on}",
                code="publication",
            )
        with self.engine.transaction():
            number = int(self.engine.scalar("SELECT coalesce(max(item_no), 0) + 1 FROM disclosure_publications"))
            self.engine.execute(
                "INSERT INTO disclosure_publications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    number,
                    title.strip(),
                    category.strip(),
                    source.strip(),
                    formed_on,
                    published_on,
                    location.strip(),
                    self.clock(),
                    actor.username,
                ],
            )
            self._audit(actor, "disclosure.publication", str(number))
        return number

    def publications(self) -> list[dict[str, Any]]:
        """Every published item, oldest number first."""
        columns = ("item_no", "title", "category", "source", "formed_on", "published_on", "location")
        rows = self.engine.rows(f"SELECT {', '.join(columns)} FROM disclosure_publications ORDER BY item_no")
        return [dict(zip(columns, row, strict=True)) for row in rows]

    # --- reviews and lawsuits -----------------------------------------------------------------------------------
    def add_appeal(
        self,
        actor: Actor,
        *,
        kind: str,
        filed_on: date,
        outcome: str,
        request_no: str | None = None,
        decided_on: date | None = None,
    ) -> int:
        """Record an administrative review or lawsuit about a disclosure decision (annual report table 4)."""
        from renkou.disclosure.annual import APPEAL_KINDS, APPEAL_OUTCOMES

        if kind not in APPEAL_KINDS:
            raise DisclosureError(
                f"类型 {kind!r} 无效，应为 {'|'.join(APPEAL_KINDS)}",
                f"kind {kind!r} is not valid; use {'|'.join(APPEAL_KINDS)}",
                code="appeal",
            )
        if outcome not in APPEAL_OUTCOMES:
            raise DisclosureError(
                f"结果 {outcome!r} 无效，应为 {'|'.join(APPEAL_OUTCOMES)}",
                f"outcome {outcome!r} is not valid; use {'|'.join(APPEAL_OUTCOMES)}",
                code="appeal",
            )
        if (outcome == "pending") != (decided_on is None):
            raise DisclosureError(
                "已审结的应填写审结日期，尚未审结的不填",
                "a decided case needs its decision day; a pending one has none",
                code="appeal",
            )
        if request_no is not None:
            self.get(request_no)
        with self.engine.transaction():
            number = int(self.engine.scalar("SELECT coalesce(max(appeal_no), 0) + 1 FROM disclosure_appeals"))
            self.engine.execute(
                "INSERT INTO disclosure_appeals VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [number, kind, request_no, filed_on, outcome, decided_on, self.clock(), actor.username],
            )
            self._audit(actor, "disclosure.appeal", str(number), {"kind": kind})
        return number

    def decide_appeal(self, actor: Actor, appeal_no: int, *, outcome: str, decided_on: date) -> None:
        """Record the decision of a pending case (a new row: the table is append-only, the latest row counts)."""
        current = next((a for a in self.appeals() if a["appeal_no"] == appeal_no), None)
        if current is None:
            raise DisclosureError(
                f"没有编号为 {appeal_no} 的复议或诉讼", f"no appeal numbered {appeal_no}", code="not_found"
            )
        if current["outcome"] != "pending":
            raise DisclosureError(
                f"复议或诉讼 {appeal_no} 已审结", f"appeal {appeal_no} is already decided", code="appeal"
            )
        if outcome == "pending" or decided_on < current["filed_on"]:
            raise DisclosureError(
                "审结结果不能为尚未审结，审结日不能早于提起日",
                "a decision cannot be pending nor dated before the case was filed",
                code="appeal",
            )
        with self.engine.transaction():
            self.engine.execute(
                "INSERT INTO disclosure_appeals VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    appeal_no,
                    current["kind"],
                    current["request_no"],
                    current["filed_on"],
                    outcome,
                    decided_on,
                    self.clock(),
                    actor.username,
                ],
            )
            self._audit(actor, "disclosure.appeal.decided", str(appeal_no), {"outcome": outcome})

    def appeals(self) -> list[dict[str, Any]]:
        """Every recorded review or lawsuit, as its latest row says."""
        columns = ("appeal_no", "kind", "request_no", "filed_on", "outcome", "decided_on")
        rows = self.engine.rows(
            f"SELECT {', '.join(columns)} FROM disclosure_appeals "
            "QUALIFY row_number() OVER (PARTITION BY appeal_no ORDER BY recorded_at DESC, outcome = 'pending') = 1 "
            "ORDER BY appeal_no"
        )
        return [dict(zip(columns, row, strict=True)) for row in rows]
