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


@dataclass(frozen=True)
class Step:
    """A line of a permit's history, for the clerk and the holder."""

    on: date
    kind: str  # issued | replaced | endorsed | endorsed_late | endorsement_ignored | suspended | ended
    text: Text


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

    def window(self) -> EndorsementWindow:
        assert self.anchor is not None
        return endorsement_window(self.anchor, self.number + 1, self.rules, self.calendar)

    def lapse_before(self, day: date) -> None:
        """Suspend a valid permit whose current window closed before ``day``."""
        if self.status is not Status.VALID:
            return
        window = self.window()
        if window.due < day:
            self.status = Status.SUSPENDED
            self.suspended_since = window.due + timedelta(days=1)
            self.history.append(
                Step(
                    self.suspended_since,
                    "suspended",
                    Text(
                        f"未在 {window.opens}—{window.due} 期间签注，居住证使用功能中止",
                        f"not endorsed within {window.opens}..{window.due}: the permit is suspended",
                    ),
                )
            )

    def apply(self, event: PermitEvent) -> None:
        self.lapse_before(event.on)
        if event.kind is EventKind.ISSUED:
            self._issue(event)
        elif event.kind is EventKind.ENDORSED:
            self._endorse(event)
        else:
            self._end(event)

    def _issue(self, event: PermitEvent) -> None:
        if self.status in (Status.VALID, Status.SUSPENDED):
            self.permit_no = event.permit_no or self.permit_no
            self.history.append(
                Step(event.on, "replaced", Text(f"换领/补领，证号 {self.permit_no}", f"replaced, no. {self.permit_no}"))
            )
            return
        self.status = Status.VALID
        self.permit_no = event.permit_no
        self.issued_on = self.anchor = event.on
        self.number = 0
        self.suspended_since = self.ended_on = None
        self.endorsements = 0
        self.history.append(
            Step(event.on, "issued", Text(f"签发，证号 {event.permit_no}", f"issued, no. {event.permit_no}"))
        )

    def _endorse(self, event: PermitEvent) -> None:
        if self.status in (Status.NONE, Status.CANCELLED):
            self.history.append(
                Step(
                    event.on,
                    "endorsement_ignored",
                    Text("无有效居住证，该签注不计", "no live permit: this endorsement does not count"),
                )
            )
            return
        window = self.window()
        if self.status is Status.SUSPENDED:
            self.status = Status.VALID
            self.anchor = event.on
            self.number = 0
            self.suspended_since = None
            self.endorsements += 1
            self.history.append(
                Step(
                    event.on,
                    "endorsed_late",
                    Text(
                        "补办签注，使用功能恢复；居住年限自本日起重新连续计算",
                        "late endorsement: the permit is restored and the residence years count again from today",
                    ),
                )
            )
            return
        if event.on < window.opens:
            self.history.append(
                Step(
                    event.on,
                    "endorsement_ignored",
                    Text(
                        f"签注早于签注期（{window.opens} 起），不计",
                        f"endorsement before its window (opens {window.opens}): not counted",
                    ),
                )
            )
            return
        self.number += 1
        self.endorsements += 1
        self.history.append(
            Step(
                event.on,
                "endorsed",
                Text(
                    f"第{window.number}年签注（期限 {window.opens}—{window.due}）",
                    f"endorsed for year {window.number} (window {window.opens}..{window.due})",
                ),
            )
        )

    def _end(self, event: PermitEvent) -> None:
        if self.status not in (Status.VALID, Status.SUSPENDED):
            return
        why = {
            EventKind.CANCELLED: Text("居住证注销", "permit cancelled"),
            EventKind.LEFT: Text("居住登记注销（离开本市），居住证失效", "left the city: the permit ends"),
            EventKind.DIED: Text("持证人死亡，居住证失效", "holder died: the permit ends"),
        }[event.kind]
        self.status = Status.CANCELLED
        self.ended_on = event.on
        self.suspended_since = None
        self.history.append(Step(event.on, "ended", why))

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
