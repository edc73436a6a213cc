"""Texts of the disclosure pages (the public's filing and status, the disclosure officer's desk): key -> (zh, en).

Merged into :data:`renkou.web.catalog.MESSAGES`; keys under ``js.disc.`` are handed to ``disclosure.js``.
"""

from __future__ import annotations

from renkou.disclosure.applicants import APPLICANT_KINDS
from renkou.disclosure.responses import GROUNDS, RESPONSE_KINDS
from renkou.disclosure.workflow import STATE_NAMES

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.disclosure": ("政府信息公开", "Information disclosure"),
    "nav.disclosure_apply": ("申请政府信息公开", "Request information"),
    # public pages
    "disc.apply.title": ("政府信息公开申请", "Government information disclosure request"),
    "disc.apply.lead": (
        "依据《中华人民共和国政府信息公开条例》，您可以向本机关申请获取政府信息。网上提交的申请以双方确认之日为收到申请之日"
        "（第三十一条第三项）；本机关自收到申请之日起20个工作日内答复（第三十三条）。",
        "Under the Regulations on Open Government Information you may ask this office for government information. "
        "An online request counts as received on the day both sides confirm it (art. 31(3)); the office answers "
        "within 20 working days of receipt (art. 33).",
    ),
    "disc.applicant": ("申请人信息", "Applicant"),
    "disc.kind": ("申请人类型", "Applicant kind"),
    "disc.name": ("姓名或名称", "Name"),
    "disc.id_type": ("证件类型", "Identity document"),
    "disc.id_number": ("证件号码", "Document number"),
    "disc.phone": ("联系电话", "Phone"),
    "disc.email": ("电子邮箱", "E-mail"),
    "disc.address": ("通信地址", "Postal address"),
    "disc.contact_hint": ("至少填写一种联系方式。", "Give at least one contact."),
    "disc.wanted": ("所需信息", "Information requested"),
    "disc.description": (
        "所需政府信息的名称、文号或者便于查询的其他特征性描述",
        "Name, reference or description of the information",
    ),
    "disc.form": ("载体形式", "Form"),
    "disc.form.electronic": ("电子", "electronic"),
    "disc.form.paper": ("纸质", "paper"),
    "disc.medium": ("获取方式", "How to receive it"),
    "disc.medium.email": ("电子邮件", "by e-mail"),
    "disc.medium.mail": ("邮寄", "by post"),
    "disc.medium.pickup": ("当面领取", "collect in person"),
    "disc.medium.fax": ("传真", "by fax"),
    "disc.medium.online": ("网上获取", "online"),
    "disc.submit": ("提交申请", "Submit the request"),
    "disc.privacy": (
        "您的证件号码和联系方式加密保存，仅用于办理本申请。",
        "Your document number and contacts are stored encrypted and used only to handle this request.",
    ),
    "disc.status.title": ("申请办理状态查询", "Status of a request"),
    "disc.status.lead": (
        "凭申请编号和提交时获得的查询密码查看本人申请的办理状态。",
        "See the status of your own request with its number and the secret you got when filing.",
    ),
    "disc.request_no": ("申请编号", "Request number"),
    "disc.secret": ("查询密码", "Secret"),
    "disc.look_up": ("查询", "Look up"),
    "disc.status_link": ("查询办理状态", "Check the status"),
    # officer pages
    "disc.desk.title": ("政府信息公开工作台", "Disclosure desk"),
    "disc.desk.lead": (
        "依申请公开的办理期限按国家法定工作日（含调休）计算；逾期标红，5个工作日内到期标黄。",
        "Deadlines count official working days (with make-up days); overdue in red, due within 5 working days in amber.",
    ),
    "disc.requests": ("申请", "Requests"),
    "disc.col.no": ("编号", "No."),
    "disc.col.applicant": ("申请人", "Applicant"),
    "disc.col.channel": ("渠道", "Channel"),
    "disc.col.received": ("收到日", "Received"),
    "disc.col.state": ("状态", "State"),
    "disc.col.due": ("答复期限", "Answer due"),
    "disc.col.left": ("剩余工作日", "Working days left"),
    "disc.col.description": ("所需信息", "Information"),
    "disc.log": ("登记申请（当面、邮寄、传真）", "Log a request (in person, mail, fax)"),
    "disc.channel": ("渠道", "Channel"),
    "disc.channel.in_person": ("当面", "in person"),
    "disc.channel.mail": ("邮寄（签收）", "mail (signed for)"),
    "disc.channel.ordinary_mail": ("平常信函", "ordinary mail"),
    "disc.channel.fax": ("传真", "fax"),
    "disc.channel.online": ("网上", "online"),
    "disc.submitted": ("提交日（当面）/发出日", "Day handed in / sent"),
    "disc.signed_for": ("签收日（邮寄）", "Day signed for (mail)"),
    "disc.confirmed": ("确认日（平信、传真、网上）", "Day confirmed (ordinary mail, fax, online)"),
    "disc.log_button": ("登记", "Log"),
    "disc.publications": ("主动公开登记（第二十六条）", "Proactive publication register (art. 26)"),
    "disc.pub.title": ("事项", "Item"),
    "disc.pub.category": ("类别", "Category"),
    "disc.pub.source": ("来源", "Source"),
    "disc.pub.source_other": ("本机关其他", "other (this office)"),
    "disc.pub.formed": ("形成日", "Formed"),
    "disc.pub.published": ("公开日", "Published"),
    "disc.pub.due": ("应公开日", "Due"),
    "disc.pub.location": ("公开位置", "Where"),
    "disc.pub.add": ("登记", "Add"),
    "disc.appeals": ("行政复议和行政诉讼", "Administrative reviews and lawsuits"),
    "disc.appeal.kind": ("类型", "Kind"),
    "disc.appeal.filed": ("提起日", "Filed"),
    "disc.appeal.outcome": ("结果", "Outcome"),
    "disc.appeal.decided": ("审结日", "Decided"),
    "disc.appeal.decide": ("登记审结", "Record the decision"),
    "disc.appeal_kind.review": ("行政复议", "administrative review"),
    "disc.appeal_kind.lawsuit_direct": ("行政诉讼（未经复议直接起诉）", "lawsuit (direct)"),
    "disc.appeal_kind.lawsuit_after_review": ("行政诉讼（复议后起诉）", "lawsuit (after review)"),
    "disc.appeal_outcome.maintained": ("结果维持", "maintained"),
    "disc.appeal_outcome.corrected": ("结果纠正", "corrected"),
    "disc.appeal_outcome.other": ("其他结果", "other"),
    "disc.appeal_outcome.pending": ("尚未审结", "pending"),
    "disc.months": ("每月收到与办结的申请", "Requests received and concluded by month"),
    "disc.annual": ("年度报告（第四十九条，次年1月31日前）", "Annual report (art. 49, by 31 January)"),
    "disc.year": ("年度", "Year"),
    "disc.request.title": ("申请办理", "Request"),
    "disc.full_applicant": ("申请人完整信息（查看已记入审计日志）", "Applicant's full details (this read is audited)"),
    "disc.timeline": ("时间线", "Timeline"),
    "disc.trail": ("期限计算过程", "How the deadlines were counted"),
    "disc.actions": ("办理", "Actions"),
    "disc.on": ("日期", "Date"),
    "disc.days": ("工作日数", "Working days"),
    "disc.items": ("补正事项", "What to correct"),
    "disc.approved_by": ("批准人", "Approved by"),
    "disc.party": ("征求意见对象", "Party consulted"),
    "disc.record": ("记录", "Record"),
    "disc.event.confirm": ("确认收到（双方确认）", "Confirm receipt (both sides)"),
    "disc.event.correction_requested": ("一次性告知补正", "Correction notice"),
    "disc.event.correction_received": ("收到补正", "Correction received"),
    "disc.event.extension_approved": ("延长答复期限", "Extension approved"),
    "disc.event.consultation_started": ("征求第三方意见", "Consultation started"),
    "disc.event.consultation_ended": ("收到第三方意见", "Consultation ended"),
    "disc.event.fee_paid": ("已缴费", "Fee paid"),
    "disc.event.withdrawn": ("申请人撤回", "Withdrawn"),
    "disc.reply": ("答复", "Reply"),
    "disc.reply.kind": ("答复类型", "Reply kind"),
    "disc.reply.where": ("获取途径（已公开、特别规定）", "Where to obtain it"),
    "disc.reply.grounds": ("不予公开理由", "Withholding grounds"),
    "disc.reply.reason": ("说明理由", "Reason"),
    "disc.reply.referral": ("负责公开的机关及联系方式", "Responsible office"),
    "disc.reply.previous": ("此前答复（日期、文号）", "Earlier reply"),
    "disc.reply.note": ("答复书附加说明", "Extra text of the letter"),
    "disc.reply.button": ("答复", "Reply"),
    "disc.fee": ("收费通知", "Fee notice"),
    "disc.fee.method": ("计费方式", "Method"),
    "disc.fee.count": ("按件", "by count"),
    "disc.fee.pages": ("按量（页）", "by pages"),
    "disc.fee.received": ("申请人收到通知日", "Applicant got the notice"),
    "disc.fee.button": ("发出收费通知", "Send the fee notice"),
    "disc.letters": ("文书下载", "Letters"),
    "disc.letter.reply_docx": ("答复书（Word，可编辑）", "Reply letter (Word, editable)"),
    "disc.letter.reply_pdf": ("答复书（PDF）", "Reply letter (PDF)"),
    "disc.letter.fee_docx": ("收费通知（Word）", "Fee notice (Word)"),
    "disc.letter.fee_pdf": ("收费通知（PDF）", "Fee notice (PDF)"),
    # scripts
    "js.disc.filed": (
        "申请已提交。申请编号：{no}；查询密码：{secret}（请妥善保存，只显示一次）。",
        "Request filed. Number: {no}; secret: {secret} (keep it: it is shown only once).",
    ),
    "js.disc.no": ("申请编号", "Request number"),
    "js.disc.received_count": ("收到", "received"),
    "js.disc.concluded_count": ("办结", "concluded"),
    "js.disc.overdue_count": ("逾期答复", "answered late or overdue"),
    "js.disc.state": ("状态", "State"),
    "js.disc.received": ("收到日", "received"),
    "js.disc.due": ("答复期限", "answer due"),
    "js.disc.not_yet": ("尚未确认收到", "not yet confirmed"),
    "js.disc.overdue": ("逾期", "overdue"),
    "js.disc.near_due": ("临近期限", "near due"),
    "js.disc.late": ("超期公开", "late"),
    "js.disc.on_time": ("按期", "on time"),
    "js.disc.saved": ("已记录。", "Recorded."),
    "js.disc.response": ("答复", "reply"),
    "js.disc.provisional": (
        "（暂定：该年度法定节假日尚未公布）",
        "(provisional: that year's holidays are not yet announced)",
    ),
    "js.disc.logged": ("已登记：{no}", "Logged: {no}"),
}

MESSAGES.update({f"disc.akind.{k.value}": (v.zh, v.en) for k, v in APPLICANT_KINDS.items()})
MESSAGES.update(
    {
        f"disc.rkind.{k.value}": (f"{v.name.zh}（{v.article.zh}）", f"{v.name.en} ({v.article.en})")
        for k, v in RESPONSE_KINDS.items()
    }
)
MESSAGES.update(
    {
        f"disc.ground.{k.value}": (f"{v.name.zh}（{v.article.zh}）", f"{v.name.en} ({v.article.en})")
        for k, v in GROUNDS.items()
    }
)
MESSAGES.update({f"js.disc.state.{k.value}": (v.zh, v.en) for k, v in STATE_NAMES.items()})
EVENT_NAMES = {
    "received": ("收到申请", "received"),
    "correction_requested": ("告知补正", "correction notice"),
    "correction_received": ("收到补正", "correction received"),
    "extension_approved": ("延长答复期限", "extension approved"),
    "consultation_started": ("征求意见", "consultation started"),
    "consultation_ended": ("收到意见", "consultation ended"),
    "fee_notice_sent": ("发出收费通知", "fee notice sent"),
    "fee_paid": ("缴费", "fee paid"),
    "answered": ("答复", "answered"),
    "withdrawn": ("撤回", "withdrawn"),
}
MESSAGES.update({f"js.disc.ev.{k}": v for k, v in EVENT_NAMES.items()})
MESSAGES["js.disc.state.awaiting_receipt"] = ("待双方确认收到", "awaiting confirmation of receipt")
