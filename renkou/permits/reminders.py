"""Endorsement reminders as notifications for the outbox.

A reminder for a permit goes out from N working days before the window's last day (``reminder_working_days`` of the
rules; never before the window opens) until that last day. Its dedupe key names the permit and the window, so a
daily run enqueues each reminder once. Texts carry the permit number and dates, never the ID number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from renkou.notify.message import Channel, Notification
from renkou.permits.contacts import Contact
from renkou.permits.deadlines import Calendar, EndorsementWindow, reminder_date
from renkou.permits.lifecycle import Status
from renkou.permits.lists import Entry
from renkou.permits.rules import EndorsementRules

TOPIC = "permit.endorsement_due"


def _zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def sms_text(permit_no: str, window: EndorsementWindow) -> str:
    """The SMS body (Chinese, as residents receive it)."""
    return (
        f"您的居住证（证号{permit_no}）第{window.number}年签注期为{_zh(window.opens)}至{_zh(window.due)}，"
        f"请在{_zh(window.due)}前到居住地派出所或社区服务机构办理签注（免费）。逾期未签注的，居住证使用功能中止。"
    )


def email_text(permit_no: str, window: EndorsementWindow) -> tuple[str, str]:
    """The e-mail subject and body (Chinese, then English)."""
    subject = "居住证签注提醒 / Residence permit endorsement reminder"
    body = (
        f"{sms_text(permit_no, window)}\n\n"
        f"Your residence permit no. {permit_no} must be endorsed for year {window.number} between "
        f"{window.opens} and {window.due} at the police station or community service centre where you live "
        f"(free of charge). If it is not endorsed by then, the permit is suspended.\n"
    )
    return subject, body


@dataclass(frozen=True)
class ReminderRun:
    """The reminders due on a date and the holders who could not be reached."""

    notifications: tuple[Notification, ...]
    due_holders: int
    without_contact: int


def endorsement_reminders(
    entries: Iterable[Entry],
    contacts: Mapping[str, Contact],
    on: date,
    rules: EndorsementRules,
    calendar: Calendar,
) -> ReminderRun:
    """Notifications for every valid permit whose reminder period contains ``on`` (one per channel reachable)."""
    notifications: list[Notification] = []
    due_holders = without_contact = 0
    for entry in entries:
        state, window = entry.state, entry.state.window
        if state.status is not Status.VALID or window is None or state.permit_no is None:
            continue
        if not reminder_date(window, rules, calendar) <= on <= window.due:
            continue
        due_holders += 1
        contact = contacts.get(entry.subject_id)
        if contact is None or not (contact.phone or contact.email):
            without_contact += 1
            continue
        key = f"{TOPIC}:{state.permit_no}:{window.anchor}:{window.number}"
        if contact.phone:
            notifications.append(
                Notification(TOPIC, Channel.SMS, contact.phone, sms_text(state.permit_no, window),
                             dedupe_key=f"{key}:sms", reference=state.permit_no)
            )  # fmt: skip
        if contact.email:
            subject, body = email_text(state.permit_no, window)
            notifications.append(
                Notification(TOPIC, Channel.EMAIL, contact.email, body, subject=subject,
                             dedupe_key=f"{key}:email", reference=state.permit_no)
            )  # fmt: skip
    return ReminderRun(tuple(notifications), due_holders, without_contact)
