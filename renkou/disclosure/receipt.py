"""The day a request counts as received, by channel (政府信息公开条例 art. 31).

- in person: the day it is handed in (art. 31(1));
- mail that is signed for (registered letter, EMS, courier): the day the office signs for it (art. 31(2));
- ordinary mail that needs no signature: the office confirms with the applicant on the day the letter arrives, and
  the day of confirmation is the receipt day (art. 31(2));
- online or by the disclosure office's fax: the day both sides confirm (art. 31(3)).

The receipt day itself is never counted in a deadline: day 1 is the next working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from renkou.disclosure.text import DisclosureError, Text


class Channel(StrEnum):
    """How a request reached the office."""

    IN_PERSON = "in_person"
    MAIL = "mail"
    ORDINARY_MAIL = "ordinary_mail"
    ONLINE = "online"
    FAX = "fax"


RECEIPT_RULES: dict[Channel, Text] = {
    Channel.IN_PERSON: Text(
        "当面提交，以提交之日为收到申请之日（条例第三十一条第一项）", "in person: the day submitted (art. 31(1))"
    ),
    Channel.MAIL: Text(
        "邮寄提交，以行政机关签收之日为收到申请之日（条例第三十一条第二项）",
        "by mail: the day the office signs for it (art. 31(2))",
    ),
    Channel.ORDINARY_MAIL: Text(
        "平常信函等无需签收的邮寄方式，以与申请人确认之日为收到申请之日（条例第三十一条第二项）",
        "by ordinary mail needing no signature: the day the office confirms with the applicant (art. 31(2))",
    ),
    Channel.ONLINE: Text(
        "通过互联网渠道提交，以双方确认之日为收到申请之日（条例第三十一条第三项）",
        "online: the day both sides confirm (art. 31(3))",
    ),
    Channel.FAX: Text(
        "通过政府信息公开工作机构的传真提交，以双方确认之日为收到申请之日（条例第三十一条第三项）",
        "by the disclosure office's fax: the day both sides confirm (art. 31(3))",
    ),
}


@dataclass(frozen=True)
class Receipt:
    """The legal receipt day, the rule that gave it, and any warning for the officer."""

    channel: Channel
    received: date
    rule: Text
    warnings: tuple[Text, ...] = ()


def parse_channel(value: str) -> Channel:
    """A channel from its name; a bad name is a bilingual error listing the valid ones."""
    try:
        return Channel(value.strip().lower().replace("-", "_"))
    except ValueError:
        valid = "|".join(channel.value for channel in Channel)
        raise DisclosureError(
            f"申请渠道 {value!r} 无效，应为 {valid}", f"channel {value!r} is not valid; use {valid}", code="channel"
        ) from None


def _need(value: date | None, name: str, channel: Channel) -> date:
    if value is None:
        raise DisclosureError(
            f"渠道 {channel.value} 需要提供 {name} 日期",
            f"channel {channel.value} needs the {name} date",
            code="receipt",
        )
    return value


def receipt_date(
    channel: Channel,
    *,
    submitted: date | None = None,
    signed_for: date | None = None,
    arrived: date | None = None,
    confirmed: date | None = None,
) -> Receipt:
    """The receipt day under art. 31.

    ``submitted``: the day handed in (in person) or sent (online/fax); ``signed_for``: the day the office signed for a
    mailed request; ``arrived``: the day an ordinary letter arrived; ``confirmed``: the day of confirmation with the
    applicant (ordinary mail) or by both sides (online, fax).
    """
    warnings: list[Text] = []
    if channel is Channel.IN_PERSON:
        received = _need(submitted, "submitted", channel)
    elif channel is Channel.MAIL:
        received = _need(signed_for, "signed_for", channel)
    elif channel is Channel.ORDINARY_MAIL:
        received = _need(confirmed, "confirmed", channel)
        if arrived is not None and arrived > received:
            raise DisclosureError(
                f"确认日 {received} 早于信函到达日 {arrived}",
                f"confirmed {received} is before the letter arrived {arrived}",
                code="receipt",
            )
        if arrived is not None and arrived < received:
            # Art. 31(2) asks the office to confirm on the day the letter arrives; a later confirmation is legal
            # for counting but the officer should know the delay is visible.
            warnings.append(
                Text(
                    f"信函 {arrived} 到达，{received} 才确认；条例要求收到当日确认",
                    f"the letter arrived {arrived} but was confirmed {received}; art. 31(2) asks for same-day confirmation",
                )
            )
    else:
        received = _need(confirmed, "confirmed", channel)
        if submitted is not None and submitted > received:
            raise DisclosureError(
                f"确认日 {received} 早于提交日 {submitted}",
                f"confirmed {received} is before submitted {submitted}",
                code="receipt",
            )
    return Receipt(channel, received, RECEIPT_RULES[channel], tuple(warnings))
