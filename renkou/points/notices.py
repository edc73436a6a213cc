"""Points results as notifications for the outbox (:mod:`renkou.notify`): each applicant's result when a round's
list is published, and the outcome of an objection when it is decided (to the objector, and to every applicant whose
admission the re-scoring changed).

Pure: the round's facts, its outcomes and the contacts in, notifications out. Texts name the round, the score and the
rank, never an ID number. Each notification carries a dedupe key naming the round (its number and a digest of its
applicants file, so a new database's round 1 is not taken for an old one), the applicant's row and the channel: the
outbox stores a key once, so publishing twice, or deciding again after a failure, queues nothing twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

from renkou.notify.message import Channel, Notification
from renkou.permits.contacts import Contact

RESULT = "points.result"
DECISION = "points.objection_decided"
CHANGED = "points.result_changed"


@dataclass(frozen=True)
class RoundFacts:
    """What a message says about the round."""

    round_id: int
    digest: str  # of the applicants file: with the number, names the round in dedupe keys
    title: str
    opens: date
    closes: date

    @property
    def key(self) -> str:
        """The round in a dedupe key."""
        return f"{self.round_id}:{self.digest[:16]}"


@dataclass(frozen=True)
class Outcome:
    """One applicant's result: score (hundredths of a point), rank (0: not ranked), eligible, admitted."""

    total: int
    rank: int
    eligible: bool
    admitted: bool

    @property
    def score(self) -> str:
        """The score as published: no trailing zeros (70, 52.5)."""
        return f"{self.total / 100:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class NoticeRun:
    """Notifications to queue, and the applicants concerned who have no usable contact."""

    notifications: tuple[Notification, ...]
    applicants: int
    without_contact: int


@dataclass(frozen=True)
class Standings:
    """Every applicant's standing in a round, as arrays in row order (a million rows stay arrays)."""

    total: np.ndarray  # hundredths of a point
    rank: np.ndarray  # 0: not ranked
    eligible: np.ndarray
    admitted: np.ndarray

    def __len__(self) -> int:
        return len(self.total)

    def of(self, row: int) -> Outcome:
        """One applicant's outcome."""
        return Outcome(int(self.total[row]), int(self.rank[row]), bool(self.eligible[row]), bool(self.admitted[row]))

    def admission_changed(self, other: Standings) -> list[int]:
        """Rows admitted in one and not in the other."""
        return [int(row) for row in np.flatnonzero(self.admitted != other.admitted)]


def _zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _standing_zh(outcome: Outcome) -> str:
    if not outcome.eligible:
        return "未通过资格条件，未参加排名"
    listed = "列入拟录取名单" if outcome.admitted else "未列入拟录取名单"
    return f"积分{outcome.score}分，排名第{outcome.rank}名，{listed}"


def _standing_en(outcome: Outcome) -> str:
    if not outcome.eligible:
        return "you do not meet the conditions of the round and are not ranked"
    listed = "on the list of those to be admitted" if outcome.admitted else "not on the list of those to be admitted"
    return f"your score is {outcome.score}, rank {outcome.rank}, {listed}"


def result_texts(facts: RoundFacts, outcome: Outcome) -> tuple[str, str, str]:
    """(SMS text, e-mail subject, e-mail body) of a published result."""
    sms = (
        f"您在“{facts.title}”中{_standing_zh(outcome)}。公示期为{_zh(facts.opens)}至{_zh(facts.closes)}，"
        "如有异议，请在公示期内向积分管理部门提出。"
    )
    subject = f"积分结果通知 / Points result: {facts.title}"
    body = (
        f'{sms}\n\nRound "{facts.title}": {_standing_en(outcome)}. The list is public from {facts.opens} to '
        f"{facts.closes}; objections may be made to the points office during that period.\n"
    )
    return sms, subject, body


def decision_texts(facts: RoundFacts, number: int, accepted: bool, outcome: Outcome) -> tuple[str, str, str]:
    """(SMS text, e-mail subject, e-mail body) of a decided objection, with the applicant's standing after it."""
    verdict_zh = "已采纳，重新计分后" if accepted else "未予采纳，"
    verdict_en = "was accepted and your score recomputed: " if accepted else "was not accepted: "
    sms = f"您对“{facts.title}”积分结果提出的第{number}号异议{verdict_zh}{_standing_zh(outcome)}。"
    subject = f"积分异议处理结果 / Decision on your objection: {facts.title}"
    body = f'{sms}\n\nYour objection no. {number} to round "{facts.title}" {verdict_en}{_standing_en(outcome)}.\n'
    return sms, subject, body


def changed_texts(facts: RoundFacts, outcome: Outcome) -> tuple[str, str, str]:
    """(SMS text, e-mail subject, e-mail body) to an applicant whose admission a re-scoring changed."""
    sms = f"因异议处理后重新计分，您在“{facts.title}”中的结果变更为：{_standing_zh(outcome)}。"
    subject = f"积分结果变更 / Points result changed: {facts.title}"
    body = (
        f'{sms}\n\nAfter an objection was decided the round "{facts.title}" was re-scored: {_standing_en(outcome)}.\n'
    )
    return sms, subject, body


def _to(contact: Contact, topic: str, texts: tuple[str, str, str], key: str, reference: str) -> list[Notification]:
    sms, subject, body = texts
    found = []
    if contact.phone:
        found.append(Notification(topic, Channel.SMS, contact.phone, sms, dedupe_key=f"{key}:sms", reference=reference))
    if contact.email:
        found.append(
            Notification(
                topic, Channel.EMAIL, contact.email, body, subject=subject, dedupe_key=f"{key}:email",
                reference=reference,
            )
        )  # fmt: skip
    return found


def result_notices(facts: RoundFacts, standings: Standings, contacts: Mapping[int, Contact]) -> NoticeRun:
    """A result for every applicant of a published round who has a contact."""
    found: list[Notification] = []
    reference = f"points round {facts.round_id}"
    reached = 0
    for row in sorted(contacts):
        if row >= len(standings):
            continue
        reached += 1
        key = f"{RESULT}:{facts.key}:{row}"
        found += _to(contacts[row], RESULT, result_texts(facts, standings.of(row)), key, reference)
    return NoticeRun(tuple(found), len(standings), len(standings) - reached)


def decision_notices(
    facts: RoundFacts,
    *,
    number: int,
    accepted: bool,
    objector: int,
    before: Standings,
    after: Standings,
    contacts: Mapping[int, Contact],
    published: bool,
) -> NoticeRun:
    """The decision to the objector (row ``objector``); when the round's list is published, a changed result to
    every other applicant whose admission the decision changed (their rank alone moving is not worth a message)."""
    found: list[Notification] = []
    reference = f"points round {facts.round_id} objection {number}"
    concerned = [objector]
    if published:
        concerned += [row for row in before.admission_changed(after) if row != objector]
    without = 0
    for row in concerned:
        contact = contacts.get(row)
        if contact is None:
            without += 1
            continue
        if row == objector:
            texts = decision_texts(facts, number, accepted, after.of(row))
            found += _to(contact, DECISION, texts, f"{DECISION}:{facts.key}:{number}", reference)
        else:
            texts = changed_texts(facts, after.of(row))
            found += _to(contact, CHANGED, texts, f"{CHANGED}:{facts.key}:{number}:{row}", reference)
    return NoticeRun(tuple(found), len(concerned), without)
