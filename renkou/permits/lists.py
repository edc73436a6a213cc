"""Due-endorsement and overdue lists per district.

*Due*: valid permits whose endorsement window is open on the list date, or opens within the next N working days
(so a district office can plan). *Overdue*: permits suspended because the window closed without an endorsement; they
stay on the list until a late endorsement restores them or the permit is cancelled. A holder belongs to the
district of residence on the list date. The selection is pure; :func:`collect` reads the register.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from renkou.permits import records
from renkou.permits.deadlines import Calendar
from renkou.permits.lifecycle import PermitState, Status, permit_state
from renkou.permits.rules import PermitRules
from renkou.register.store import Register


@dataclass(frozen=True)
class Entry:
    """A holder's permit on the list date."""

    subject_id: str
    district: str | None
    state: PermitState
    identity_event: int  # a register event of the holder (its identity row gives the masked ID)


def due(entries: Iterable[Entry], on: date, horizon: date) -> list[Entry]:
    """Valid permits whose window is open on ``on`` or opens by ``horizon``, by district then last day."""
    chosen = [
        entry
        for entry in entries
        if entry.state.status is Status.VALID
        and entry.state.window is not None
        and entry.state.window.opens <= horizon
        and on <= entry.state.window.due
    ]
    return sorted(chosen, key=_order)


def overdue(entries: Iterable[Entry]) -> list[Entry]:
    """Suspended permits (window closed without endorsement), by district then the missed last day."""
    return sorted((entry for entry in entries if entry.state.status is Status.SUSPENDED), key=_order)


def _order(entry: Entry) -> tuple[str, date, str]:
    window = entry.state.window
    return (entry.district or "", window.due if window else date.max, entry.state.permit_no or "")


def collect(
    register: Register, on: date, rules: PermitRules, calendar: Calendar, district: str | None = None
) -> list[Entry]:
    """Every holder's permit state on ``on`` (optionally one district)."""
    return [
        Entry(
            holder.subject_id,
            holder.district,
            permit_state(holder.events, on, rules.endorsement, calendar),
            holder.last_event_id,
        )
        for holder in records.holders(register, on, district)
    ]


def rows(register: Register, entries: list[Entry], on: date, calendar: Calendar) -> list[dict[str, object]]:
    """Display rows with masked ID numbers and district names (for the CLI, JSON and pages)."""
    ids = records.masked_ids(register, (entry.identity_event for entry in entries))
    names = records.district_names(register, (entry.district for entry in entries))
    result: list[dict[str, object]] = []
    for entry in entries:
        state, window = entry.state, entry.state.window
        assert window is not None
        row: dict[str, object] = {
            "district": entry.district,
            "district_name": names.get(entry.district or "", ""),
            "id": ids.get(entry.identity_event, "******************"),
            "permit_no": state.permit_no,
            "status": state.status.value,
            "year": window.number,
            "window_opens": window.opens.isoformat(),
            "due": window.due.isoformat(),
            "provisional": window.provisional,
        }
        if state.status is Status.SUSPENDED:
            row["suspended_since"] = state.suspended_since.isoformat() if state.suspended_since else None
            row["days_overdue"] = (on - window.due).days
        else:
            row["days_left"] = (window.due - on).days
            row["working_days_left"] = _working_days(on, window.due, calendar)
        result.append(row)
    return result


def _working_days(after: date, through: date, calendar: Calendar) -> int:
    """Working days from the list date through the last day, both included (the office can still act today)."""
    count = int(calendar.is_working_day(after))
    day = after
    while day < through:
        day = date.fromordinal(day.toordinal() + 1)
        count += calendar.is_working_day(day)
    return count


def by_district(rows_: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    """Rows grouped per district: ``{code: {"name", "count", "permits": [...]}}``."""
    grouped: dict[str, dict[str, object]] = {}
    for row in rows_:
        code = str(row["district"] or "")
        group = grouped.setdefault(code, {"name": row["district_name"], "count": 0, "permits": []})
        group["count"] = int(group["count"]) + 1  # type: ignore[call-overload]
        permits = group["permits"]
        assert isinstance(permits, list)
        permits.append({k: v for k, v in row.items() if k not in ("district", "district_name")})
    return grouped
