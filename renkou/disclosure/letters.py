"""Reply letters (政府信息公开申请答复书) and fee notices, as :class:`~renkou.disclosure.documents.Document`.

Each reply kind of arts. 35-39 has its own wording with the details the regulation asks for (where already-public
information is found, the ground and article of a refusal, the office to turn to, the earlier reply), its legal
basis, and the remedies: administrative review within 60 days (行政复议法 art. 20) or a lawsuit within six months
(行政诉讼法 art. 46) of receiving the reply. The officer downloads the Word file and may edit it before sending.
"""

from __future__ import annotations

import os
from datetime import date

from renkou.disclosure.applicants import Applicant
from renkou.disclosure.documents import Document, Para, chinese_date
from renkou.disclosure.events import Answered
from renkou.disclosure.responses import GROUNDS, RESPONSE_KINDS, Response, ResponseKind
from renkou.disclosure.store import FORMS, MEDIA, StoredRequest
from renkou.disclosure.text import DisclosureError

DEFAULT_OFFICE = "政府信息公开工作机构"
REMEDY = (
    "如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者自收到本答复之日起六个月内依法向人民法院"
    "提起行政诉讼。"
)


def office_name(explicit: str | None = None) -> str:
    """The office signing letters: given, else ``RENKOU_DISCLOSURE_OFFICE``, else a neutral placeholder."""
    return (explicit or os.environ.get("RENKOU_DISCLOSURE_OFFICE") or DEFAULT_OFFICE).strip()


def _grounds_text(response: Response) -> str:
    return "；".join(f"{GROUNDS[g].name.zh}（{GROUNDS[g].article.zh}）" for g in response.grounds)


def _body(response: Response, request: StoredRequest, note: str) -> list[str]:
    """The decision paragraphs for each reply kind."""
    kind = response.kind
    article = RESPONSE_KINDS[kind].article.zh
    wanted = f"{FORMS[request.form_wanted][0]}形式、{MEDIA[request.medium][0]}"
    reason = f"理由：{response.reason.rstrip('。')}。" if response.reason else ""
    paragraphs: dict[ResponseKind, list[str]] = {
        ResponseKind.ALREADY_PUBLIC: [
            f"您申请获取的政府信息已经主动公开。根据《中华人民共和国政府信息公开条例》{article}的规定，"
            f"告知您获取该政府信息的方式和途径：{response.where}。"
        ],
        ResponseKind.PROVIDED: [
            f"您申请获取的政府信息属于公开范围。根据《中华人民共和国政府信息公开条例》{article}的规定，"
            f"本机关向您提供该政府信息（{wanted}）。"
        ],
        ResponseKind.PARTIALLY_PROVIDED: [
            "您申请获取的政府信息中含有不应当公开的内容，但能够作区分处理。根据《中华人民共和国政府信息公开条例》"
            f"{article}的规定，本机关向您提供可以公开的部分（{wanted}）。",
            f"不予公开的部分：{_grounds_text(response)}。{reason}",
        ],
        ResponseKind.NOT_DISCLOSED: [
            f"经审查，您申请获取的政府信息属于：{_grounds_text(response)}。根据《中华人民共和国政府信息公开条例》"
            f"{article}的规定，本机关决定不予公开。{reason}"
        ],
        ResponseKind.DOES_NOT_EXIST: [
            "经检索，本机关没有您所申请公开的政府信息。根据《中华人民共和国政府信息公开条例》"
            f"{article}的规定，告知您该政府信息不存在。"
        ],
        ResponseKind.NOT_HELD: [
            f"经审查，您申请获取的政府信息不属于本机关负责公开。{reason}根据《中华人民共和国政府信息公开条例》"
            f"{article}的规定，"
            + (
                f"该政府信息由{response.referral}负责公开，请向其提出申请。"
                if response.referral
                else "本机关无法确定负责公开该政府信息的行政机关。"
            )
        ],
        ResponseKind.REPEATED: [
            f"您提出的申请与本机关已于{response.previous_reply}答复的申请相同。根据《中华人民共和国政府信息公开条例》"
            f"{article}的规定，本机关不予重复处理。"
        ],
        ResponseKind.SPECIAL_CHANNEL: [
            f"法律、行政法规对您申请获取的信息有专门规定。根据《中华人民共和国政府信息公开条例》{article}的规定，"
            f"请依照有关法律、行政法规的规定办理：{response.where}。"
        ],
        ResponseKind.NEEDS_PROCESSING: [
            "您申请获取的信息需要本机关对现有政府信息进行加工、分析后方能形成。根据《中华人民共和国政府信息公开条例》"
            f"{article}的规定，本机关可以不予提供。"
        ],
        ResponseKind.NOT_A_REQUEST: [
            f"经审查，您以政府信息公开申请形式提出的事项属于信访、投诉、举报等。{reason}"
            f"根据《中华人民共和国政府信息公开条例》{article}的规定，本机关不作为政府信息公开申请处理，"
            "请通过相应渠道提出。"
        ],
        ResponseKind.UNREASONABLE_VOLUME: [
            f"您申请公开政府信息的数量、频次明显超过合理范围。{reason}根据《中华人民共和国政府信息公开条例》"
            f"{article}的规定，本机关不予处理。"
        ],
    }
    result = [text.replace("。。", "。").replace("。。", "。") for text in paragraphs[kind]]
    if note.strip():
        result.append(note.strip())
    return result


def reply_letter(
    request: StoredRequest,
    applicant: Applicant,
    answered: Answered,
    *,
    letter_ref: str = "",
    note: str = "",
    office: str | None = None,
) -> Document:
    """The reply letter of ``request`` (its ``answered`` event), addressed to ``applicant``."""
    received = request.received_on
    if received is None:
        raise DisclosureError("申请尚未确认收到", "the request is not yet received", code="letter")
    response = answered.response
    you = "您" if applicant.is_person else "你单位"
    opening = (
        f"本机关于{chinese_date(received)}收到{you}提出的政府信息公开申请（编号：{request.request_no}），"
        f"申请获取“{request.description}”。经审查，现答复如下："
    )
    blocks = [Para(opening), *(Para(text.replace("您", you)) for text in _body(response, request, note))]
    blocks.append(Para(f"法律依据：{response.legal_basis.zh}。"))
    blocks.append(Para(REMEDY))
    signer = office_name(office)
    return Document(
        title="政府信息公开申请答复书",
        reference=f"{signer}{letter_ref}" if letter_ref else "",
        addressee=f"{applicant.name}：",
        blocks=tuple(blocks),
        office=signer,
        dated=answered.on,
    )


def fee_letter(notice_text: str, *, office: str | None = None, dated: date | None = None) -> Document:
    """A fee notice (text from :func:`renkou.disclosure.fees.fee_notice`) as a document: first line the title,
    the addressee line, then one paragraph per line."""
    raw = [line.rstrip() for line in notice_text.strip().splitlines() if line.strip()]
    title, addressee = raw[0].strip(), raw[1].strip()
    paragraphs: list[str] = []
    for line in raw[2:]:
        # The template wraps sentences over lines: a line continues the previous one unless that one ended a
        # sentence or a clause list, or the line is an indented fee line.
        starts_new = not paragraphs or line.startswith(" ") or paragraphs[-1].endswith(("。", "：", "元"))
        if starts_new:
            paragraphs.append(line.strip())
        else:
            paragraphs[-1] += line.strip()
    return Document(
        title=title,
        addressee=addressee,
        blocks=tuple(Para(text) for text in paragraphs),
        office=office_name(office),
        dated=dated,
    )
