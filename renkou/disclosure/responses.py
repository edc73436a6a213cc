"""The kinds of reply the regulation allows (政府信息公开条例 arts. 35-39) and the grounds for withholding (arts. 14-16).

Each kind carries its article and the details the reply letter must give (e.g. where already-public information can
be found, the legal ground of a refusal, the office to refer to), so a reply cannot be recorded without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from renkou.disclosure.text import DisclosureError, Text


class ResponseKind(StrEnum):
    """A reply to a disclosure request."""

    ALREADY_PUBLIC = "already_public"
    PROVIDED = "provided"
    PARTIALLY_PROVIDED = "partially_provided"
    NOT_DISCLOSED = "not_disclosed"
    DOES_NOT_EXIST = "does_not_exist"
    NOT_HELD = "not_held"
    REPEATED = "repeated"
    SPECIAL_CHANNEL = "special_channel"
    NEEDS_PROCESSING = "needs_processing"
    NOT_A_REQUEST = "not_a_request"
    UNREASONABLE_VOLUME = "unreasonable_volume"


class WithholdingGround(StrEnum):
    """A legal ground for not disclosing (all or part of) the information."""

    STATE_SECRET = "state_secret"
    LAW_PROHIBITS = "law_prohibits"
    SECURITY_STABILITY = "security_stability"
    THIRD_PARTY_RIGHTS = "third_party_rights"
    INTERNAL_AFFAIRS = "internal_affairs"
    PROCESS_INFORMATION = "process_information"
    ENFORCEMENT_FILES = "enforcement_files"


@dataclass(frozen=True)
class KindInfo:
    """A reply kind's legal article, name and the details its letter must carry."""

    article: Text
    name: Text
    requires: tuple[str, ...] = ()


RESPONSE_KINDS: dict[ResponseKind, KindInfo] = {
    ResponseKind.ALREADY_PUBLIC: KindInfo(
        Text("第三十六条第（一）项", "art. 36(1)"),
        Text("已主动公开，告知获取方式和途径", "already public: tell where and how to get it"),
        ("where",),
    ),
    ResponseKind.PROVIDED: KindInfo(Text("第三十六条第（二）项", "art. 36(2)"), Text("予以公开", "provided")),
    ResponseKind.PARTIALLY_PROVIDED: KindInfo(
        Text("第三十七条", "art. 37"),
        Text("部分公开（区分处理），对不予公开部分说明理由", "partially provided, with reasons for the part withheld"),
        ("grounds",),
    ),
    ResponseKind.NOT_DISCLOSED: KindInfo(
        Text("第三十六条第（三）项", "art. 36(3)"),
        Text("不予公开并说明理由", "not disclosed, with the legal reason"),
        ("grounds",),
    ),
    ResponseKind.DOES_NOT_EXIST: KindInfo(
        Text("第三十六条第（四）项", "art. 36(4)"),
        Text("经检索没有所申请公开信息，告知该政府信息不存在", "searched: the information does not exist"),
    ),
    ResponseKind.NOT_HELD: KindInfo(
        Text("第三十六条第（五）项", "art. 36(5)"),
        Text(
            "不属于本机关负责公开，说明理由；能确定负责机关的告知其名称、联系方式",
            "not this office's to disclose, with the reason, and the responsible office when known",
        ),
        ("reason",),
    ),
    ResponseKind.REPEATED: KindInfo(
        Text("第三十六条第（六）项", "art. 36(6)"),
        Text("已就同一申请作出答复，不予重复处理", "repeated request already answered: not handled again"),
        ("previous_reply",),
    ),
    ResponseKind.SPECIAL_CHANNEL: KindInfo(
        Text("第三十六条第（七）项", "art. 36(7)"),
        Text(
            "法律、行政法规对信息获取有特别规定，告知依照其规定办理",
            "a law or regulation sets a special channel (e.g. business or real-estate registers): refer to it",
        ),
        ("where",),
    ),
    ResponseKind.NEEDS_PROCESSING: KindInfo(
        Text("第三十八条", "art. 38"),
        Text("需要对现有政府信息加工、分析，可以不予提供", "would need new processing or analysis: may be declined"),
    ),
    ResponseKind.NOT_A_REQUEST: KindInfo(
        Text("第三十九条", "art. 39"),
        Text(
            "以申请形式进行信访、投诉、举报等，不作为政府信息公开申请处理",
            "a petition, complaint or report in the form of a request: not handled as a disclosure request",
        ),
        ("reason",),
    ),
    ResponseKind.UNREASONABLE_VOLUME: KindInfo(
        Text("第三十五条", "art. 35"),
        Text(
            "申请数量、频次明显超过合理范围且理由不合理，不予处理",
            "number or frequency of requests clearly unreasonable, reason not accepted: not handled",
        ),
        ("reason",),
    ),
}


GROUNDS: dict[WithholdingGround, KindInfo] = {
    WithholdingGround.STATE_SECRET: KindInfo(
        Text("第十四条", "art. 14"), Text("依法确定为国家秘密", "classified as a state secret")
    ),
    WithholdingGround.LAW_PROHIBITS: KindInfo(
        Text("第十四条", "art. 14"), Text("法律、行政法规禁止公开", "disclosure prohibited by law or regulation")
    ),
    WithholdingGround.SECURITY_STABILITY: KindInfo(
        Text("第十四条", "art. 14"),
        Text(
            "公开后可能危及国家安全、公共安全、经济安全、社会稳定",
            "disclosure may endanger national, public or economic security or social stability",
        ),
    ),
    WithholdingGround.THIRD_PARTY_RIGHTS: KindInfo(
        Text("第十五条", "art. 15"),
        Text(
            "涉及商业秘密、个人隐私等，公开会损害第三方合法权益",
            "trade secrets, personal privacy or other third-party rights would be harmed",
        ),
    ),
    WithholdingGround.INTERNAL_AFFAIRS: KindInfo(
        Text("第十六条第一款", "art. 16 para. 1"),
        Text("行政机关的内部事务信息", "internal affairs of the office (personnel, logistics, internal procedure)"),
    ),
    WithholdingGround.PROCESS_INFORMATION: KindInfo(
        Text("第十六条第二款", "art. 16 para. 2"),
        Text(
            "讨论记录、过程稿、磋商信函、请示报告等过程性信息",
            "process information (discussion records, drafts, consultation letters, internal requests)",
        ),
    ),
    WithholdingGround.ENFORCEMENT_FILES: KindInfo(
        Text("第十六条第二款", "art. 16 para. 2"), Text("行政执法案卷信息", "administrative enforcement case files")
    ),
}


@dataclass(frozen=True, kw_only=True)
class Response:
    """A reply decision with the details its letter needs.

    ``where``: where or how to obtain the information (already public, special channel); ``grounds``: legal grounds
    for withholding; ``reason``: the officer's explanation; ``referral``: the office responsible, when known;
    ``previous_reply``: the reference of the earlier reply to a repeated request.
    """

    kind: ResponseKind
    where: str = ""
    grounds: tuple[WithholdingGround, ...] = ()
    reason: str = ""
    referral: str = ""
    previous_reply: str = ""

    def __post_init__(self) -> None:
        info = RESPONSE_KINDS[self.kind]
        for name in info.requires:
            if not getattr(self, name):
                raise DisclosureError(
                    f"答复类型 {self.kind.value}（{info.article.zh}）必须填写 {name}",
                    f"reply kind {self.kind.value} ({info.article.en}) needs {name}",
                    code="response",
                )
        if self.grounds and self.kind not in (ResponseKind.NOT_DISCLOSED, ResponseKind.PARTIALLY_PROVIDED):
            raise DisclosureError(
                f"答复类型 {self.kind.value} 不应填写不予公开理由 grounds",
                f"reply kind {self.kind.value} takes no withholding grounds",
                code="response",
            )

    @property
    def info(self) -> KindInfo:
        """The kind's article and name."""
        return RESPONSE_KINDS[self.kind]

    @property
    def legal_basis(self) -> Text:
        """The articles the reply rests on: the kind's article, then each ground's."""
        articles = [self.info.article, *(GROUNDS[ground].article for ground in self.grounds)]
        unique_zh = list(dict.fromkeys(article.zh for article in articles))
        unique_en = list(dict.fromkeys(article.en for article in articles))
        return Text("《政府信息公开条例》" + "、".join(unique_zh), "OGI Regulations " + ", ".join(unique_en))
