"""Due-endorsement and overdue lists per district.

*Due*: valid permits whose endorsement window is open on the list date, or opens within the next N working days
(so a district office can plan). *Overdue*: permits suspended because the window closed without an endorsement; they
stay on the list until a late endorsement restores them or the permit is cancelled. A holder belongs to the
district of residence on the list date.

Every holder's permit is folded at once (:mod:`renkou.permits.fold_arrays`); the selection is a mask over those
arrays, and only the chosen holders become :class:`Entry` objects with a :class:`PermitState`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from renkou.permits import records
from renkou.permits.deadlines import Calendar, EndorsementWindow
from renkou.permits.fold_arrays import NO_DAY, STATUS_CODES, STATUS_OF_CODE, Folded, day_number, fold_all
from renkou.permits.fold_arrays import from_day_number as _day
from renkou.permits.lifecycle import PermitState, Status
from renkou.permits.rules import PermitRules
from renkou.register.store import Register


@dataclass(frozen=True)
class Entry:
    """A holder's permit on the list date."""

    subject_id: str
    district: str | None
    state: PermitState
    identity_event: int  # a register event of the holder (its identity row gives the masked ID)


@dataclass
class Holdings:
    """Every holder's permit on one date, folded as arrays."""

    on: date
    subjects: pa.Array
    districts: pa.Array
    permit_nos: pa.Array  # of each event; a holder's current number is at ``folded.permit_event``
    identity_events: npt.NDArray[np.int64]
    folded: Folded

    def __len__(self) -> int:
        return len(self.subjects)

    def entries(self, mask: npt.NDArray[np.bool_] | None = None) -> list[Entry]:
        """Entries (with their permit state, no history) of the holders selected by ``mask`` (all when None),
        sorted by district, last day and permit number.

        Values are gathered column by column and converted to Python once: per-element access to NumPy and Arrow
        scalars would cost more than the fold itself for a city-wide list.
        """
        f = self.folded
        chosen = np.flatnonzero(mask) if mask is not None else np.arange(len(self))
        take = pa.array(chosen, pa.int64())

        def days(values: npt.NDArray[np.int64]) -> list[date | None]:
            return [None if v == NO_DAY else _day(v) for v in values[chosen].tolist()]

        positions = f.permit_event[chosen]
        numbers = self.permit_nos.take(pa.array(np.maximum(positions, 0), pa.int64())).to_pylist()
        columns = zip(
            self.subjects.take(take).to_pylist(),
            self.districts.take(take).to_pylist(),
            [STATUS_OF_CODE[code] for code in f.status[chosen].tolist()],
            [n if p >= 0 else None for n, p in zip(numbers, positions.tolist(), strict=True)],
            days(f.issued_on),
            days(f.anchor),
            (f.number[chosen] + 1).tolist(),
            days(f.anniversary),
            days(f.opens),
            days(f.due),
            f.provisional[chosen].tolist(),
            days(f.suspended_since),
            days(f.ended_on),
            f.endorsements[chosen].tolist(),
            self.identity_events[chosen].tolist(),
            strict=True,
        )
        found = []
        for (
            subject,
            district,
            status,
            permit_no,
            issued_on,
            anchor,
            year,
            anniversary,
            opens,
            due_day,
            provisional,
            suspended_since,
            ended_on,
            endorsements,
            identity_event,
        ) in columns:
            window = None
            if status in (Status.VALID, Status.SUSPENDED):
                assert anchor and anniversary and opens and due_day
                window = EndorsementWindow(anchor, year, anniversary, opens, due_day, provisional)
            state = PermitState(
                on=self.on,
                status=status,
                permit_no=permit_no,
                issued_on=issued_on,
                counting_from=anchor if status is not Status.NONE else None,
                window=window,
                suspended_since=suspended_since,
                ended_on=ended_on,
                endorsements=endorsements,
            )
            found.append(Entry(subject, district, state, identity_event))
        return sorted(found, key=_order)


def _order(entry: Entry) -> tuple[str, date, str]:
    window = entry.state.window
    return (entry.district or "", window.due if window else date.max, entry.state.permit_no or "")


def collect(
    register: Register, on: date, rules: PermitRules, calendar: Calendar, district: str | None = None
) -> Holdings:
    """Every holder's permit on ``on`` (optionally one district)."""
    people, table = records.holder_events(register, on, district)
    holder = table.column("holder").to_numpy().astype(np.int64)
    count = people.num_rows
    permit_nos = table.column("permit_no").combine_chunks()
    folded = fold_all(
        holder,
        table.column("kind").to_numpy().astype(np.int8),
        table.column("day").to_numpy().astype(np.int64),
        permit_nos.is_valid().to_numpy(zero_copy_only=False),
        count,
        on,
        rules.endorsement,
        calendar,
    )
    # The latest event of each holder (every holder has at least the issue event) gives the identity row.
    identity_events = np.full(count, -1, np.int64)
    np.maximum.at(identity_events, holder, table.column("event_id").to_numpy().astype(np.int64))
    return Holdings(
        on,
        people.column("subject").combine_chunks(),
        people.column("district").combine_chunks(),
        permit_nos,
        identity_events,
        folded,
    )


def due(holdings: Holdings, on: date, horizon: date) -> list[Entry]:
    """Valid permits whose window is open on ``on`` or opens by ``horizon``, by district then last day."""
    f = holdings.folded
    mask = (f.status == STATUS_CODES[Status.VALID]) & (f.opens <= day_number(horizon)) & (day_number(on) <= f.due)
    return holdings.entries(mask)


def overdue(holdings: Holdings) -> list[Entry]:
    """Suspended permits (window closed without endorsement), by district then the missed last day."""
    return holdings.entries(holdings.folded.status == STATUS_CODES[Status.SUSPENDED])


def rows(register: Register, entries: list[Entry], on: date, calendar: Calendar) -> list[dict[str, object]]:
    """Display rows with masked ID numbers and district names (for the CLI, JSON and pages)."""
    ids = records.masked_ids(register, (entry.identity_event for entry in entries))
    names = records.district_names(register, (entry.district for entry in entries))
    result: list[dict[str, object]] = []
    working_left: dict[date, int] = {}  # many permits share a last day
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
            if window.due not in working_left:
                working_left[window.due] = _working_days(on, window.due, calendar)
            row["working_days_left"] = working_left[window.due]
        result.append(row)
    return result


def _working_days(first: date, last: date, calendar: Calendar) -> int:
    """Working days from the list date through the last day, both included (the office can still act today)."""
    count = int(calendar.is_working_day(first))
    day = first
    while day < last:
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
