"""Statutory deadlines of a disclosure request, from its event history (政府信息公开条例, 2019 revision).

Rules applied (each working day on the official calendar, the start day never counted — its next working day is
day 1):
- answer within 20 working days of receipt (art. 33 para. 1);
- one extension of at most 20 working days, approved by the head of the disclosure office (art. 33 para. 1): the
  answer period becomes 20 + N counted working days;
- one correction notice (补正) within 7 working days of receipt (art. 30); when the corrected request arrives the
  answer period starts again from that day; with no correction by the end of the period the office set, the
  request is treated as abandoned (视为放弃申请);
- time spent consulting a third party (art. 32) or another office (art. 34) is not counted (art. 33 para. 2); the
  consulted party has 15 working days from receiving the letter. The excluded days are the working days after the
  letter is sent up to and including the day the opinion arrives, capped at that 15-day limit (after it the office
  decides without the opinion, art. 32). A consultation still open is assumed to run to its limit;
- a fee notice (国办函〔2020〕109号): the applicant pays within the period of the fee rules (20 working days from the
  day after receiving the notice), else the request is treated as abandoned; the days from sending the notice to
  payment are not counted when the fee rules say so (configurable, see ``data/fees.yaml``).

A date that falls in, or whose count crosses, a year with no official calendar is flagged provisional.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from renkou.disclosure.calendar import WorkingCalendar, provisional_warning
from renkou.disclosure.events import ConsultationKind, Event
from renkou.disclosure.receipt import RECEIPT_RULES
from renkou.disclosure.text import DisclosureError, Text
from renkou.disclosure.workflow import STATE_NAMES, TERMINAL_STATES, History, RequestState, replay

ANSWER_PERIOD = 20
MAX_EXTENSION = 20
CORRECTION_NOTICE_PERIOD = 7
CONSULTATION_REPLY_PERIOD = 15
DEFAULT_PAYMENT_PERIOD = 20


class PauseKind(StrEnum):
    """Why the answer clock stopped."""

    CONSULTATION = "consultation"
    FEE = "fee"


@dataclass(frozen=True)
class Pause:
    """Days not counted: working days in (``after``, ``through``]."""

    kind: PauseKind
    label: Text
    after: date
    through: date
    assumed: bool

    def excludes(self, day: date) -> bool:
        """True when ``day`` falls in the pause."""
        return self.after < day <= self.through


@dataclass(frozen=True)
class Step:
    """One line of the explanation trail."""

    on: date | None
    text: Text


@dataclass(frozen=True)
class DeadlineReport:
    """Everything the officer needs to know about a request's deadlines.

    ``answer_due`` is None while the clock waits for the applicant (correction, payment) or after the request was
    abandoned or withdrawn. ``next_due`` is the next date something must happen (answer, correction, payment).
    ``provisional`` is True when any date shown depends on a year without an official holiday calendar.
    """

    state: RequestState
    received: date
    answer_due: date | None
    next_due: date | None
    provisional: bool
    warnings: tuple[Text, ...]
    trail: tuple[Step, ...]
    correction_notice_due: date
    correction_due: date | None
    payment_due: date | None
    clock_start: date | None
    period: int
    pauses: tuple[Pause, ...]
    counted_days: tuple[date, ...]
    overdue: bool

    @property
    def state_name(self) -> Text:
        """The state's bilingual name."""
        return STATE_NAMES[self.state]


class _Counter:
    """Working-day arithmetic that remembers which uncovered years a result depended on."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self.uncovered: set[int] = set()

    def add(self, start: date, count: int) -> date:
        end = self.calendar.add_working_days(start, count)
        self.uncovered.update(self.calendar.uncovered_years(start, end))
        return end

    def between(self, after: date, through: date) -> int:
        self.uncovered.update(self.calendar.uncovered_years(after, through))
        return self.calendar.count_working_days(after, through)

    def count_period(self, clock_start: date, period: int, pauses: Sequence[Pause]) -> tuple[date, ...]:
        counted: list[date] = []
        for day in self.calendar.working_days_after(clock_start):
            if any(pause.excludes(day) for pause in pauses):
                continue
            counted.append(day)
            if len(counted) == period:
                break
        self.uncovered.update(self.calendar.uncovered_years(clock_start, counted[-1]))
        return tuple(counted)


def _consultation_pauses(history: History, counter: _Counter, steps: list[Step], warnings: list[Text]) -> list[Pause]:
    pauses: list[Pause] = []
    for consultation in history.consultations:
        started, ended = consultation.started, consultation.ended
        article = (
            Text("第三十四条、第三十三条第二款", "arts. 34, 33 para. 2")
            if started.consulted is ConsultationKind.AGENCY
            else Text("第三十二条、第三十三条第二款", "arts. 32, 33 para. 2")
        )
        limit = counter.add(started.party_received or started.on, CONSULTATION_REPLY_PERIOD)
        through = limit if ended is None else min(ended.on, limit)
        label = Text(f"征求 {started.party} 意见", f"consulting {started.party}")
        pauses.append(Pause(PauseKind.CONSULTATION, label, started.on, through, assumed=ended is None))
        days = counter.between(started.on, through)
        if ended is None:
            steps.append(
                Step(
                    started.on,
                    Text(
                        f"{label.zh}：{started.on} 发出，尚未结束，暂按其15个工作日期限 {limit} 计，"
                        f"不计入期限 {days} 个工作日（{article.zh}）；意见提前到达则答复期限相应提前",
                        f"{label.en}: sent {started.on}, still open, assumed to run to its 15-working-day limit "
                        f"{limit}: {days} working days not counted ({article.en}); an earlier reply moves the due date "
                        "earlier",
                    ),
                )
            )
            continue
        steps.append(
            Step(
                ended.on,
                Text(
                    f"{label.zh}：{started.on} 发出，{ended.on} 结束，不计入期限 {days} 个工作日（{article.zh}）",
                    f"{label.en}: sent {started.on}, ended {ended.on}: {days} working days not counted ({article.en})",
                ),
            )
        )
        if ended.on > limit:
            warnings.append(
                Text(
                    f"{started.party} 的意见在15个工作日期限 {limit} 之后到达；只扣除至期限为止的时间",
                    f"{started.party} replied after its 15-working-day limit {limit}; only the time up to the limit "
                    "is not counted",
                )
            )
    return pauses


def compute_deadlines(
    events: Sequence[Event],
    calendar: WorkingCalendar,
    *,
    as_of: date | None = None,
    payment_period: int = DEFAULT_PAYMENT_PERIOD,
    fee_time_excluded: bool = True,
) -> DeadlineReport:
    """The request's state, due dates, warnings and explanation trail.

    ``as_of`` (e.g. today) decides whether an applicant's period has run out (abandoned) and whether the answer is
    overdue; without it only recorded events count. ``payment_period`` and ``fee_time_excluded`` come from the fee
    rules (:mod:`renkou.disclosure.fee_rules`).
    """
    history = replay(events)
    if as_of is not None and as_of < events[-1].on:
        raise DisclosureError(
            f"查询日 {as_of} 早于最后一个事件 {events[-1].on}",
            f"as-of date {as_of} is before the last event on {events[-1].on}",
            code="as_of",
        )
    counter = _Counter(calendar)
    steps: list[Step] = []
    warnings: list[Text] = []
    state = history.state
    received = history.received
    rule = RECEIPT_RULES[received.channel]
    steps.append(Step(received.on, Text(f"收到申请 {received.on}：{rule.zh}", f"received {received.on}: {rule.en}")))

    notice_due = counter.add(received.on, CORRECTION_NOTICE_PERIOD)
    clock_start: date | None = received.on
    correction_due: date | None = None
    asked = history.correction_requested
    if asked is not None:
        if asked.until is not None:
            correction_due = asked.until
            counter.uncovered.update(calendar.uncovered_years(asked.on, asked.until))
        else:
            correction_due = counter.add(asked.on, asked.period_working_days or 0)
        steps.append(
            Step(
                asked.on,
                Text(
                    f"一次性告知补正 {asked.on}（应在 {notice_due} 前，第三十条），补正期限至 {correction_due}",
                    f"correction requested {asked.on} (due by {notice_due}, art. 30); the applicant has until "
                    f"{correction_due}",
                ),
            )
        )
        if asked.on > notice_due:
            warnings.append(
                Text(
                    f"补正告知晚于收到申请之日起7个工作日（{notice_due}）",
                    f"the correction notice came after the 7-working-day limit ({notice_due})",
                )
            )
        got = history.correction_received
        if got is not None:
            clock_start = got.on
            steps.append(
                Step(
                    got.on,
                    Text(
                        f"收到补正 {got.on}：答复期限自收到补正之日起重新计算，次日起算第1个工作日（第三十条）",
                        f"correction received {got.on}: the answer period starts again, the next working day is "
                        "day 1 (art. 30)",
                    ),
                )
            )
            if got.on > correction_due:
                warnings.append(
                    Text(
                        f"补正在期限 {correction_due} 之后收到；仅在申请人有正当理由时继续办理",
                        f"the correction arrived after the period ended {correction_due}; continue only if the "
                        "applicant had good reason",
                    )
                )
        else:
            clock_start = None
            if state is RequestState.AWAITING_CORRECTION and as_of is not None and as_of > correction_due:
                state = RequestState.ABANDONED
                steps.append(
                    Step(
                        correction_due,
                        Text(
                            f"至 {correction_due} 未补正，视为放弃申请，不再处理（第三十条）",
                            f"no correction by {correction_due}: treated as abandoned, no further handling (art. 30)",
                        ),
                    )
                )

    pauses = _consultation_pauses(history, counter, steps, warnings)

    payment_due: date | None = None
    notice = history.fee_notice
    if notice is not None:
        served = notice.applicant_received or notice.on
        payment_due = counter.add(served, payment_period)
        paid = history.fee_paid
        steps.append(
            Step(
                notice.on,
                Text(
                    f"发出收费通知 {notice.on}（{notice.amount} 元），申请人 {served} 收到，应于 {payment_due} 前缴纳",
                    f"fee notice sent {notice.on} ({notice.amount} yuan), received by the applicant {served}, "
                    f"payment due by {payment_due}",
                ),
            )
        )
        if paid is not None and paid.on > payment_due:
            warnings.append(
                Text(f"缴费晚于期限 {payment_due}", f"the fee was paid after the payment deadline {payment_due}")
            )
        if paid is None and state is RequestState.AWAITING_PAYMENT and as_of is not None and as_of > payment_due:
            state = RequestState.ABANDONED
            steps.append(
                Step(
                    payment_due,
                    Text(
                        f"至 {payment_due} 未缴费，视为放弃申请（国办函〔2020〕109号）",
                        f"not paid by {payment_due}: treated as abandoned (国办函〔2020〕109号)",
                    ),
                )
            )
        if fee_time_excluded and paid is not None:
            days = counter.between(notice.on, paid.on)
            pauses.append(
                Pause(PauseKind.FEE, Text("收费通知至缴费", "fee notice to payment"), notice.on, paid.on, False)
            )
            steps.append(
                Step(
                    paid.on,
                    Text(
                        f"{paid.on} 缴费；收费通知至缴费期间 {days} 个工作日不计入答复期限",
                        f"paid {paid.on}; {days} working days from notice to payment not counted",
                    ),
                )
            )

    period = ANSWER_PERIOD
    extension = history.extension
    answer_due: date | None = None
    counted: tuple[date, ...] = ()
    waiting_for_applicant = state in (RequestState.AWAITING_CORRECTION, RequestState.AWAITING_PAYMENT)
    if clock_start is not None and not waiting_for_applicant and state is not RequestState.ABANDONED:
        if extension is not None:
            unextended = counter.count_period(clock_start, ANSWER_PERIOD, pauses)[-1]
            period += extension.working_days
            who = f"经 {extension.approved_by} " if extension.approved_by else "经政府信息公开工作机构负责人"
            who_en = (
                f" by {extension.approved_by}" if extension.approved_by else " by the head of the disclosure office"
            )
            steps.append(
                Step(
                    extension.on,
                    Text(
                        f"{extension.on} {who}同意延长 {extension.working_days} 个工作日（第三十三条），原期限 {unextended}",
                        f"extension of {extension.working_days} working days approved{who_en} on {extension.on} "
                        f"(art. 33); the unextended due date was {unextended}",
                    ),
                )
            )
            if extension.on > unextended:
                warnings.append(
                    Text(
                        f"延期在原答复期限 {unextended} 之后才批准",
                        f"the extension was approved after the original due date {unextended}",
                    )
                )
        counted = counter.count_period(clock_start, period, pauses)
        answer_due = counted[-1]
        start_zh = "收到补正之日" if clock_start != received.on else "收到申请之日"
        start_en = "correction" if clock_start != received.on else "receipt"
        steps.append(
            Step(
                answer_due,
                Text(
                    f"答复期限 {answer_due}：自{start_zh} {clock_start} 次日起第 {period} 个计算工作日（第三十三条）",
                    f"answer due {answer_due}: working day {period} counted from the day after the {start_en} "
                    f"{clock_start} (art. 33)",
                ),
            )
        )

    overdue = False
    answered = history.answered
    if answered is not None:
        info = answered.response.info
        steps.append(
            Step(
                answered.on,
                Text(
                    f"{answered.on} 答复：{info.name.zh}（{info.article.zh}）",
                    f"answered {answered.on}: {info.name.en} ({info.article.en})",
                ),
            )
        )
        overdue = answer_due is not None and answered.on > answer_due
    elif answer_due is not None and as_of is not None and state not in TERMINAL_STATES:
        overdue = as_of > answer_due
    if history.withdrawn is not None:
        steps.append(
            Step(
                history.withdrawn.on,
                Text(f"{history.withdrawn.on} 申请人撤回申请", f"withdrawn {history.withdrawn.on}"),
            )
        )
    if overdue:
        warnings.append(Text(f"已超过答复期限 {answer_due}", f"past the answer due date {answer_due}"))
    if counter.uncovered:
        warnings.append(provisional_warning(counter.uncovered))

    next_due: date | None = None
    if state is RequestState.AWAITING_CORRECTION:
        next_due = correction_due
    elif state is RequestState.AWAITING_PAYMENT:
        next_due = payment_due
    elif state not in TERMINAL_STATES:
        next_due = answer_due

    return DeadlineReport(
        state=state,
        received=received.on,
        answer_due=answer_due,
        next_due=next_due,
        provisional=bool(counter.uncovered),
        warnings=tuple(warnings),
        trail=tuple(steps),
        correction_notice_due=notice_due,
        correction_due=correction_due,
        payment_due=payment_due,
        clock_start=clock_start,
        period=period,
        pauses=tuple(pauses),
        counted_days=counted,
        overdue=overdue,
    )
