"""The residence desk's permit workflow on a register: apply, issue, endorse, restore, replace, cancel, and one
person's status.

Each write is a clerk's form loaded as a batch of one (:mod:`renkou.permits.forms`), so it is validated, chained
and auditable like any department file. The checks a clerk needs before writing (known person, eligibility with
reasons, endorsing only a live permit inside or after its window) are made here and refused with one bilingual line.

An accepted application may be recorded (``permit_applied``); a late endorsement is recorded with the restoration
it brings (``permit_restored``); a replacement is ``permit_replaced``. Suspension and restoration themselves are
derived from the endorsement dates (:mod:`renkou.permits.lifecycle`); the recorded events note them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from renkou.disclosure.text import Text
from renkou.errors import UserError
from renkou.ids import mask
from renkou.permits import records
from renkou.permits.deadlines import Calendar, IssueDeadline, issue_deadline
from renkou.permits.eligibility import Basis, Eligibility, PersonSnapshot, check_eligibility
from renkou.permits.entitlements import Entitlements, EntitlementTable, entitlements
from renkou.permits.forms import new_record_no, submit_form
from renkou.permits.lifecycle import STATUS_TEXT, PermitState, Status, permit_state
from renkou.permits.rules import PermitRules
from renkou.register.store import Register


@dataclass(frozen=True)
class Application:
    """An application checked on its acceptance day."""

    person: records.Person
    eligibility: Eligibility
    deadline: IssueDeadline | None  # when eligible: the issue limits
    batch_id: int | None = None  # when the accepted application was recorded (permit_applied)


@dataclass(frozen=True)
class Issued:
    """A permit just issued."""

    person: records.Person
    permit_no: str
    state: PermitState
    deadline: IssueDeadline
    late: bool  # issued after the longest period the rules allow
    batch_id: int


@dataclass(frozen=True)
class Endorsed:
    """An endorsement just recorded."""

    person: records.Person
    before: PermitState
    after: PermitState
    late: bool  # after the window closed: the permit is restored and the years count again from today
    batch_id: int


@dataclass(frozen=True)
class Replaced:
    """A permit replaced (换领/补领): a new number, the years go on."""

    person: records.Person
    old_no: str | None
    state: PermitState
    batch_id: int


@dataclass(frozen=True)
class Suspensions:
    """Suspensions recorded by one run: the permits found suspended, and how many were recorded now."""

    suspended: int
    recorded: int
    batch_id: int | None


@dataclass(frozen=True)
class Cancelled:
    """A permit just cancelled."""

    person: records.Person
    state: PermitState
    batch_id: int


@dataclass(frozen=True)
class PermitStatus:
    """One person's permit on a date, with what it entitles to."""

    person: records.Person
    state: PermitState
    district: str | None
    entitlements: Entitlements | None


def _not_live(person: records.Person, state: PermitState, act: Text, done: str) -> UserError:
    """The refusal of an act that needs a held permit: none was ever issued, or it has ended (and when);
    ``act`` names the act, ``done`` its English past participle."""
    if state.status is Status.CANCELLED:
        return UserError(
            f"{person.masked} 的居住证已于 {state.ended_on} 注销，不能再{act.zh}（须重新申领）",
            f"{person.masked}'s permit was already cancelled on {state.ended_on}; it cannot be {done} (apply again)",
            code="permit_cancelled",
        )
    return UserError(
        f"{person.masked} 没有可{act.zh}的居住证（状态：{STATUS_TEXT[state.status].zh}）",
        f"{person.masked} has no permit to {act.en} (status: {STATUS_TEXT[state.status].en})",
        code="no_permit",
    )


def _reasons(eligibility: Eligibility) -> Text:
    return Text("；".join(r.zh for r in eligibility.reasons), "; ".join(r.en for r in eligibility.reasons))


class PermitDesk:
    """The permit workflow over one open register."""

    def __init__(
        self, register: Register, rules: PermitRules, calendar: Calendar, *, today: date | None = None
    ) -> None:
        self.register = register
        self.rules = rules
        self.calendar = calendar
        self.today = today or date.today()

    # -- reading -------------------------------------------------------------------------------------------------

    def _check_date(self, on: date, what: Text) -> None:
        if on > self.today:
            raise UserError(f"{what.zh}日期 {on} 晚于今天", f"the {what.en} date {on} is in the future")

    def state(self, person: records.Person, on: date) -> PermitState:
        """The person's permit on ``on``."""
        events = records.permit_events(self.register, person)
        return permit_state(events, on, self.rules.endorsement, self.calendar)

    def snapshot(self, person: records.Person, on: date) -> PersonSnapshot:
        """What eligibility needs, from the register's state on ``on`` and the permit's status."""
        found = records.person_state(self.register, person, on)
        if found is None:
            raise UserError(
                f"{on} 时登记库中尚无 {person.masked} 的记录",
                f"the register has no record of {person.masked} on {on} yet",
                code="unknown_person",
            )
        return PersonSnapshot(
            alive=found.alive,
            hukou_in_city=found.hukou_in_city,
            residence_in_city=found.residence_in_city,
            residence_since=found.residence_since,
            employment=found.employment,
            housing=found.housing,
            holds_permit=self.state(person, on).live,
        )

    def status(self, id_text: str, on: date, table: EntitlementTable | None = None) -> PermitStatus:
        """One person's permit on ``on`` and, with a table, the services it gives."""
        person = records.find_person(self.register, id_text)
        state = self.state(person, on)
        found = records.person_state(self.register, person, on)
        district = found.residence_region if found else None
        return PermitStatus(person, state, district, entitlements(state, table) if table else None)

    # -- the workflow --------------------------------------------------------------------------------------------

    def apply(self, id_text: str, on: date, declared: tuple[Basis, ...] = (), *, record: bool = False) -> Application:
        """Check an application made on ``on``; when eligible, give the issue deadline, and with ``record`` record
        the accepted application in the register (``permit_applied``)."""
        self._check_date(on, Text("申请", "application"))
        person = records.find_person(self.register, id_text)
        result = check_eligibility(self.snapshot(person, on), on, self.rules.eligibility, declared)
        deadline = issue_deadline(on, self.rules.issue, self.calendar) if result.eligible else None
        batch_id = None
        if record and result.eligible:
            summary = submit_form(self.register, [self._row("permit_applied", person, on)], today=self.today)
            batch_id = int(summary.batch_id or 0)
        return Application(person, result, deadline, batch_id)

    def issue(
        self,
        id_text: str,
        on: date,
        *,
        accepted: date | None = None,
        permit_no: str | None = None,
        declared: tuple[Basis, ...] = (),
    ) -> Issued:
        """Issue a permit on ``on`` for an application accepted on ``accepted`` (default: the same day)."""
        self._check_date(on, Text("签发", "issue"))
        accepted = accepted or on
        if accepted > on:
            raise UserError(
                f"受理日期 {accepted} 晚于签发日期 {on}", f"the acceptance date {accepted} is after the issue date {on}"
            )
        person = records.find_person(self.register, id_text)
        result = check_eligibility(self.snapshot(person, accepted), accepted, self.rules.eligibility, declared)
        if not result.eligible:
            reasons = _reasons(result)
            raise UserError(
                f"{person.masked} 不符合申领条件：{reasons.zh}",
                f"{person.masked} is not eligible: {reasons.en}",
                code="not_eligible",
            )
        if self.state(person, on).live:
            raise UserError(f"{person.masked} 已持有居住证", f"{person.masked} already holds a permit")
        number = permit_no or self._next_number(person, on)
        if records.permit_number_held_by_another(self.register, number, person):
            raise UserError(f"居住证号 {number} 已被他人使用", f"permit number {number} belongs to someone else")
        summary = submit_form(
            self.register,
            [self._row("permit_issued", person, on, permit_no=number)],
            today=self.today,
        )
        deadline = issue_deadline(accepted, self.rules.issue, self.calendar)
        return Issued(
            person, number, self.state(person, on), deadline, on > deadline.latest, int(summary.batch_id or 0)
        )

    def endorse(self, id_text: str, on: date) -> Endorsed:
        """Record the yearly endorsement on ``on``: on time inside the window, late (restoring) after it."""
        self._check_date(on, Text("签注", "endorsement"))
        person = records.find_person(self.register, id_text)
        events = records.permit_events(self.register, person)
        later = [event for event in events if event.on > on]
        if later:
            raise UserError(
                f"{person.masked} 在 {later[0].on} 已有居住证业务，不能补录更早的签注",
                f"{person.masked} has a permit event on {later[0].on}; an earlier endorsement cannot be added",
            )
        before = permit_state(events, on, self.rules.endorsement, self.calendar)
        if before.status is Status.NONE:
            raise UserError(f"{person.masked} 没有居住证，不能签注", f"{person.masked} holds no permit to endorse")
        if before.status is Status.CANCELLED:
            ended = next((step.text for step in reversed(before.history) if step.kind == "ended"), None)
            why_zh, why_en = (f"（{ended.zh}）", f" ({ended.en})") if ended else ("", "")
            raise UserError(
                f"{person.masked} 的居住证已于 {before.ended_on} 注销{why_zh}，不能签注（须重新申领）",
                f"{person.masked}'s permit was cancelled on {before.ended_on}{why_en}; it cannot be endorsed "
                "(apply again)",
                code="permit_cancelled",
            )
        window = before.window
        assert window is not None  # a live permit always expects an endorsement
        if before.status is Status.VALID and on < window.opens:
            raise UserError(
                f"尚未到签注期：第{window.number}年的签注期为 {window.opens} 至 {window.due}",
                f"not yet due: the endorsement for year {window.number} is due {window.opens} to {window.due}",
                code="not_due",
            )
        rows = [self._row("permit_renewed", person, on, permit_no=before.permit_no)]
        if before.status is Status.SUSPENDED:
            # The restoration is recorded with the late endorsement that brings it (one form, one batch).
            rows.append(self._row("permit_restored", person, on, permit_no=before.permit_no))
        summary = submit_form(self.register, rows, today=self.today)
        after = self.state(person, on)
        return Endorsed(person, before, after, before.status is Status.SUSPENDED, int(summary.batch_id or 0))

    def restore(self, id_text: str, on: date) -> Endorsed:
        """Restore a suspended permit on ``on``. Art. 10 restores a permit only through the late endorsement, so this
        is that endorsement (the years count again from ``on``); a permit that is not suspended is refused."""
        self._check_date(on, Text("恢复", "restoration"))
        person = records.find_person(self.register, id_text)
        before = self.state(person, on)
        if before.status is not Status.SUSPENDED:
            shown = STATUS_TEXT[before.status]
            raise UserError(
                f"{person.masked} 的居住证未中止（状态：{shown.zh}），无须恢复",
                f"{person.masked}'s permit is not suspended (status: {shown.en}); there is nothing to restore",
                code="not_suspended",
            )
        return self.endorse(id_text, on)

    def replace(self, id_text: str, on: date, *, permit_no: str | None = None) -> Replaced:
        """Replace a held permit (lost or worn: art. 11) under a new number; the years and windows go on."""
        self._check_date(on, Text("换领", "replacement"))
        person = records.find_person(self.register, id_text)
        before = self.state(person, on)
        if not before.live:
            raise _not_live(person, before, Text("换领", "replace"), "replaced")
        number = permit_no or self._next_number(person, on)
        if number == before.permit_no or records.permit_number_held_by_another(self.register, number, person):
            raise UserError(f"居住证号 {number} 不可用", f"permit number {number} cannot be used")
        summary = submit_form(
            self.register, [self._row("permit_replaced", person, on, permit_no=number)], today=self.today
        )
        return Replaced(person, before.permit_no, self.state(person, on), int(summary.batch_id or 0))

    def record_suspensions(self, on: date, district: str | None = None) -> Suspensions:
        """Record ``permit_suspended`` (dated the first day of the suspension) for every permit suspended by ``on``
        whose suspension is not in the register yet; all in one form. Running it again records nothing more."""
        from renkou.permits import lists

        self._check_date(on, Text("中止登记", "suspension"))
        holdings = lists.collect(self.register, on, self.rules, self.calendar, district)
        overdue = [entry for entry in lists.overdue(holdings) if entry.state.suspended_since is not None]
        since = {entry.subject_id: entry.state.suspended_since for entry in overdue}
        done = records.suspension_recorded(self.register, since)  # type: ignore[arg-type]
        todo = [entry for entry in overdue if entry.subject_id not in done]
        if not todo:
            return Suspensions(len(overdue), 0, None)
        numbers = records.id_numbers(self.register, (entry.identity_event for entry in todo))
        rows = []
        for entry in todo:
            number = numbers[entry.identity_event]
            person = records.Person(number, mask(number))
            assert entry.state.suspended_since is not None
            rows.append(
                self._row("permit_suspended", person, entry.state.suspended_since, permit_no=entry.state.permit_no)
            )
        summary = submit_form(self.register, rows, today=self.today)
        return Suspensions(len(overdue), len(rows), int(summary.batch_id or 0))

    def cancel(self, id_text: str, on: date, *, departed: bool = False) -> Cancelled:
        """Cancel the permit on ``on``; with ``departed`` also end the residence registration (the holder left)."""
        self._check_date(on, Text("注销", "cancellation"))
        person = records.find_person(self.register, id_text)
        before = self.state(person, on)
        if not before.live:
            raise _not_live(person, before, Text("注销", "cancel"), "cancelled")
        rows = [self._row("permit_cancelled", person, on, permit_no=before.permit_no)]
        found = records.person_state(self.register, person, on)
        if departed and found is not None and found.residence_in_city:
            rows.append(self._row("residence_left", person, on))
        summary = submit_form(self.register, rows, today=self.today)
        return Cancelled(person, self.state(person, on), int(summary.batch_id or 0))

    # -- helpers -------------------------------------------------------------------------------------------------

    def _row(
        self, event_type: str, person: records.Person, on: date, *, permit_no: str | None = None
    ) -> dict[str, str]:
        row = {
            "record_no": new_record_no(on),
            "event_type": event_type,
            "id_number": person.number,
            "occurred_on": on.isoformat(),
        }
        if permit_no:
            row["permit_no"] = permit_no
        return row

    def _next_number(self, person: records.Person, on: date) -> str:
        """District of residence, year, and a six-digit serial: 330106 2024 000123."""
        found = records.person_state(self.register, person, on)
        district = (found.residence_region if found else None) or self.register.city
        prefix = f"{district}{on.year}"
        return f"{prefix}{records.permits_issued_with_prefix(self.register, prefix) + 1:06d}"
