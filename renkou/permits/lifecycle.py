"""A residence permit's life and its continuous residence years, folded from the person's permit events.

The rules (居住证暂行条例 art. 10), as applied here:

- A permit is issued on day I; its years are counted from I (the *anchor*).
- It must be endorsed once a year, within the window of each full year: from one month before the anniversary
  ``anchor + n years`` up to the anniversary itself (moved to the next working day when it falls on a day off).
- An endorsement inside the window keeps the permit valid and the anchor unchanged.
- No endorsement by the last day of a window: the permit is **suspended** from the next day (使用功能中止); its
  continuous years are then 0 and it gives no services.
- A **late** endorsement (after the last day) restores the permit, and the residence years count again from that day:
  the late day becomes the new anchor for both the years and the next windows.
- An endorsement before its window opens does not count (the regulation fixes the window); it is noted.
- A second issue while a permit is held is a replacement (换领/补领, art. 11): the years go on.
- Cancellation (注销), leaving the city (居住登记注销) or death end the permit; a later issue starts a new one from 0.

Suspension and restoration are not events of the register yet: they are derived here from the endorsement dates,
which is what art. 10 makes them. Everything is pure: events and a calendar in, a state out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from renkou.disclosure.text import Text
from renkou.permits.deadlines import Calendar, EndorsementWindow, endorsement_window
from renkou.permits.periods import completed_years
from renkou.permits.rules import EndorsementRules


class EventKind(StrEnum):
    """The register events that bear on a permit."""

    ISSUED = "permit_issued"
    ENDORSED = "permit_renewed"
    CANCELLED = "permit_cancelled"
    LEFT = "residence_left"
    DIED = "death"
    APPLIED = "permit_applied"
    SUSPENDED = "permit_suspended"
    RESTORED = "permit_restored"
    REPLACED = "permit_replaced"


# Events that record what the rules already imply (an accepted application; the suspension the missed window
# causes; the restoration a late endorsement brings): they are shown in the history but change nothing, so the
# register's recorded events and the regulation's arithmetic can never disagree about a permit's status.
NOTED = frozenset({EventKind.APPLIED, EventKind.SUSPENDED, EventKind.RESTORED})
ENDING = frozenset({EventKind.CANCELLED, EventKind.LEFT, EventKind.DIED})


class Status(StrEnum):
    """A permit's status on a date."""

    NONE = "none"
    VALID = "valid"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


STATUS_TEXT = {
    Status.NONE: Text("未持证", "no permit"),
    Status.VALID: Text("有效", "valid"),
    Status.SUSPENDED: Text("中止（逾期未签注）", "suspended (endorsement missed)"),
    Status.CANCELLED: Text("已注销", "cancelled"),
}


@dataclass(frozen=True)
class PermitEvent:
    """One event of a person that bears on the permit, in register order (``seq`` breaks same-day ties)."""

    kind: EventKind
    on: date
    permit_no: str | None = None
    seq: int = 0


_ENDED = {
    "permit_cancelled": Text("居住证注销", "permit cancelled"),
    "residence_left": Text("居住登记注销（离开本市），居住证失效", "left the city: the permit ends"),
    "death": Text("持证人死亡，居住证失效", "holder died: the permit ends"),
}


_NOTED = {
    "permit_applied": Text("受理居住证申领", "permit application accepted"),
    "permit_suspended": Text("登记：居住证使用功能中止", "recorded: the permit is suspended"),
    "permit_restored": Text("登记：居住证使用功能恢复", "recorded: the permit is restored"),
    "permit_replaced": Text("无有效居住证，换领/补领不计", "no live permit: the replacement does not count"),
}


@dataclass(frozen=True)
class Step:
    """A line of a permit's history, for the clerk and the holder (the text is built only when read)."""

    on: date
    kind: str  # issued | replaced | endorsed | endorsed_late | endorsement_ignored | suspended | ended | noted
    permit_no: str | None = None
    window: EndorsementWindow | None = None  # the window the step concerns
    cause: str | None = None  # for "ended": the event type; for "endorsement_ignored": "early" or "no_permit"

    @property
    def text(self) -> Text:
        """The step in Chinese and English."""
        w = self.window
        if self.kind == "issued":
            return Text(f"签发，证号 {self.permit_no}", f"issued, no. {self.permit_no}")
        if self.kind == "replaced":
            return Text(f"换领/补领，证号 {self.permit_no}", f"replaced, no. {self.permit_no}")
        if self.kind == "endorsed" and w is not None:
            return Text(
                f"第{w.number}年签注（期限 {w.opens}—{w.due}）",
                f"endorsed for year {w.number} (window {w.opens}..{w.due})",
            )
        if self.kind == "endorsed_late":
            return Text(
                "补办签注，使用功能恢复；居住年限自本日起重新连续计算",
                "late endorsement: the permit is restored and the residence years count again from today",
            )
        if self.kind == "suspended" and w is not None:
            return Text(
                f"未在 {w.opens}—{w.due} 期间签注，居住证使用功能中止",
                f"not endorsed within {w.opens}..{w.due}: the permit is suspended",
            )
        if self.kind == "endorsement_ignored" and w is not None:
            return Text(
                f"签注早于签注期（{w.opens} 起），不计", f"endorsement before its window (opens {w.opens}): not counted"
            )
        if self.kind == "endorsement_ignored":
            return Text("无有效居住证，该签注不计", "no live permit: this endorsement does not count")
        if self.kind == "noted":
            return _NOTED.get(self.cause or "", Text(self.cause or "", self.cause or ""))
        return _ENDED.get(self.cause or "", Text(self.kind, self.kind))


@dataclass(frozen=True)
class PermitState:
    """A permit on a date: status, where its years count from, and the endorsement that is expected next."""

    on: date
    status: Status
    permit_no: str | None = None
    issued_on: date | None = None  # first issue of this permit (a replacement keeps it)
    counting_from: date | None = None  # start of the continuous residence years (issue date or late endorsement)
    window: EndorsementWindow | None = None  # the endorsement expected next (None when there is no live permit)
    suspended_since: date | None = None
    ended_on: date | None = None
    endorsements: int = 0
    history: tuple[Step, ...] = field(default=(), compare=False)

    @property
    def years(self) -> int:
        """Continuous residence years on ``on``: full years since ``counting_from``; 0 unless the permit is valid."""
        if self.status is not Status.VALID or self.counting_from is None:
            return 0
        return completed_years(self.counting_from, self.on)

    @property
    def days(self) -> int:
        """Days of the current continuous count (0 unless the permit is valid)."""
        if self.status is not Status.VALID or self.counting_from is None:
            return 0
        return (self.on - self.counting_from).days

    @property
    def live(self) -> bool:
        """True for a permit that is held (valid or suspended)."""
        return self.status in (Status.VALID, Status.SUSPENDED)


class _Fold:
    """The running state while the events are replayed in order."""

    def __init__(self, rules: EndorsementRules, calendar: Calendar) -> None:
        self.rules = rules
        self.calendar = calendar
        self.status = Status.NONE
        self.permit_no: str | None = None
        self.issued_on: date | None = None
        self.anchor: date | None = None
        self.number = 0  # full years endorsed since the anchor
        self.suspended_since: date | None = None
        self.ended_on: date | None = None
        self.endorsements = 0
        self.history: list[Step] = []
        self._window: EndorsementWindow | None = None

    def window(self) -> EndorsementWindow:
        """The window of the endorsement expected next (computed once per anchor and year)."""
        assert self.anchor is not None
        cached = self._window
        if cached is None or cached.anchor != self.anchor or cached.number != self.number + 1:
            cached = self._window = endorsement_window(self.anchor, self.number + 1, self.rules, self.calendar)
        return cached

    def lapse_before(self, day: date) -> None:
        """Suspend a valid permit whose current window closed before ``day``."""
        if self.status is not Status.VALID:
            return
        window = self.window()
        if window.due < day:
            self.status = Status.SUSPENDED
            self.suspended_since = window.due + timedelta(days=1)
            self.history.append(Step(self.suspended_since, "suspended", self.permit_no, window))

    def apply(self, event: PermitEvent) -> None:
        self.lapse_before(event.on)
        if event.kind is EventKind.ISSUED:
            self._issue(event)
        elif event.kind is EventKind.REPLACED:
            if self.status in (Status.VALID, Status.SUSPENDED):
                self._issue(event)
            else:
                self.history.append(Step(event.on, "noted", event.permit_no, cause=event.kind.value))
        elif event.kind is EventKind.ENDORSED:
            self._endorse(event)
        elif (
            event.kind is EventKind.RESTORED
            and self.history
            and (self.history[-1].kind, self.history[-1].on) == ("endorsed_late", event.on)
        ):
            return  # recorded with the late endorsement that restored the permit: already in the history
        elif event.kind in NOTED:
            self.history.append(Step(event.on, "noted", event.permit_no or self.permit_no, cause=event.kind.value))
        else:
            self._end(event)

    def _issue(self, event: PermitEvent) -> None:
        if self.status in (Status.VALID, Status.SUSPENDED):
            self.permit_no = event.permit_no or self.permit_no
            self.history.append(Step(event.on, "replaced", self.permit_no))
            return
        self.status = Status.VALID
        self.permit_no = event.permit_no
        self.issued_on = self.anchor = event.on
        self.number = 0
        self.suspended_since = self.ended_on = None
        self.endorsements = 0
        self.history.append(Step(event.on, "issued", event.permit_no))

    def _endorse(self, event: PermitEvent) -> None:
        if self.status in (Status.NONE, Status.CANCELLED):
            self.history.append(Step(event.on, "endorsement_ignored", event.permit_no, cause="no_permit"))
            return
        window = self.window()
        if self.status is Status.SUSPENDED:
            self.status = Status.VALID
            self.anchor = event.on
            self.number = 0
            self.suspended_since = None
            self.endorsements += 1
            self.history.append(Step(event.on, "endorsed_late", self.permit_no, window))
            return
        if event.on < window.opens:
            self.history.append(Step(event.on, "endorsement_ignored", self.permit_no, window, cause="early"))
            return
        self.number += 1
        self.endorsements += 1
        self.history.append(Step(event.on, "endorsed", self.permit_no, window))

    def _end(self, event: PermitEvent) -> None:
        if self.status not in (Status.VALID, Status.SUSPENDED):
            return
        self.status = Status.CANCELLED
        self.ended_on = event.on
        self.suspended_since = None
        self.history.append(Step(event.on, "ended", self.permit_no, cause=event.kind.value))

    def state(self, on: date) -> PermitState:
        self.lapse_before(on)
        live = self.status in (Status.VALID, Status.SUSPENDED)
        return PermitState(
            on=on,
            status=self.status,
            permit_no=self.permit_no,
            issued_on=self.issued_on,
            counting_from=self.anchor if self.status is not Status.NONE else None,
            window=self.window() if live else None,
            suspended_since=self.suspended_since,
            ended_on=self.ended_on,
            endorsements=self.endorsements,
            history=tuple(self.history),
        )


def permit_state(events: Iterable[PermitEvent], on: date, rules: EndorsementRules, calendar: Calendar) -> PermitState:
    """The permit's state on ``on`` from the person's events (those after ``on`` are ignored)."""
    fold = _Fold(rules, calendar)
    for event in sorted((e for e in events if e.on <= on), key=lambda e: (e.on, e.seq)):
        fold.apply(event)
    return fold.state(on)
